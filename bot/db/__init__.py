"""Database layer: models and their status enums, engine and session factory, units of work,
leases, migrations. Queries the services share live in bot.services.lookups."""
