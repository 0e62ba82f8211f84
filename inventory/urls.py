from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_lookup, name="stock_lookup"),
    path("stock/<str:code>/", views.sku_stock, name="sku_stock"),
]
