from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("stock/", views.stock_lookup, name="stock_lookup"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<str:number>/receive/", views.transfer_receive, name="transfer_receive"),
    path("transfers/<str:number>/cancel/", views.transfer_cancel, name="transfer_cancel"),
    path("stock/<str:code>/", views.sku_stock, name="sku_stock"),
]
