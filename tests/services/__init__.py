"""Service tests: real databases, both backends."""
