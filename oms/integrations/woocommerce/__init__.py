"""WooCommerce: REST API v3 orders (webhooks order.created / order.updated, pulls, import)."""
