"""Discord-side presentation below the cogs: limits, rendering, the DM sender."""
