"""Sales reports over the catalog's orders: one registry of definitions, runs queued or inline."""
