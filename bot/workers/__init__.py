"""Background workers: reminder delivery and webhook delivery (no Discord imports)."""
