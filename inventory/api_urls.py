"""Inventory API URLs, included under /api/v1/ in the `api` namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import transfers, views

router = SimpleRouter()
router.register("skus", views.SkuViewSet, basename="sku")
router.register("locations", views.LocationViewSet, basename="location")
router.register("stock/levels", views.StockLevelViewSet, basename="stocklevel")
router.register("stock/movements", views.StockMovementViewSet, basename="stockmovement")
router.register("stock/transfers", transfers.TransferViewSet, basename="transfer")

urlpatterns = [
    path("availability/", views.AvailabilityView.as_view(), name="availability"),
    path("stock/receipts/", views.ReceiptView.as_view(), name="stock-receipts"),
    path("stock/adjustments/", views.AdjustmentView.as_view(), name="stock-adjustments"),
    path("stock/counts/", views.CountView.as_view(), name="stock-counts"),
    *router.urls,
]
