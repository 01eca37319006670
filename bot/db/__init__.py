"""Database layer: models, engine and session factory, repositories, migrations."""
