"""Reads of the ops app, one module per concern: health, database, configuration, tasks, workers."""
