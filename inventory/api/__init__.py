"""Inventory REST API: serializers in `serializers`, views in `views`, URLs in inventory.api_urls."""
