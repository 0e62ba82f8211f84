from rest_framework.routers import SimpleRouter

from .api.views import FulfillmentOrderViewSet, ShipmentViewSet

router = SimpleRouter()
router.register("fulfillment-orders", FulfillmentOrderViewSet, basename="fulfillmentorder")
router.register("shipments", ShipmentViewSet, basename="shipment")

urlpatterns = router.urls
