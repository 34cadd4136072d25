"""The back office is pages only; the data it edits has its own apps' API endpoints."""

urlpatterns: list = []
