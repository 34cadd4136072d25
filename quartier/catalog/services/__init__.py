"""Writes on the catalog, by sub-domain."""
