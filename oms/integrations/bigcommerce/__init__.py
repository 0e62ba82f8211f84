"""BigCommerce: V2 orders with their products and shipping addresses; V3 refunds."""
