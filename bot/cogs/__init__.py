"""Discord adapters. Each cog parses an interaction, calls a service, renders the result."""

# Loaded in this order by the bot's setup_hook. A cog not listed here is not loaded.
EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.about",
    "bot.cogs.onboarding",
    "bot.cogs.cities",
    "bot.cogs.coalitions",
    "bot.cogs.asks",
    "bot.cogs.actions",
    "bot.cogs.letters",
    "bot.cogs.webhooks",
)
