"""Reusable queries. Each returns plain rows or ORM objects to a service; none commits."""
