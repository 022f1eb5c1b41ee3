"""Writes of the ops app, one module per concern: worker supervision, database and file backups."""
