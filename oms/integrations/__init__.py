"""Integrations with sales channels and other systems (design section 2)."""
