"""The provider's workspace pages; one module per part (wizard, vetting, listings, hours)."""
