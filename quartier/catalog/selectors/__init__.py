"""Reads on the catalog, by sub-domain."""
