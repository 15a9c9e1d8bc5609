"""Schema migrations (Alembic), generated from `SQLModel.metadata`."""
