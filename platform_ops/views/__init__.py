"""The ops app's pages and endpoints, one module per concern."""
