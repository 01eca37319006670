"""Discord adapters. Each cog parses an interaction, calls a service, renders the result."""

# The extensions the bot's setup_hook loads (a cog not listed here is not loaded). None
# depends on another being loaded first; the workers are the bot's own (bot.workers).
EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.about",
    "bot.cogs.onboarding",
    "bot.cogs.cities",
    "bot.cogs.coalitions",
    "bot.cogs.asks",
    "bot.cogs.actions",
    "bot.cogs.letters",
    "bot.cogs.webhooks",
    "bot.cogs.pools",
    "bot.cogs.me",
)
