"""Shopify: REST order JSON (webhooks, import) and GraphQL Admin API orders (pulls)."""
