from django.urls import path

from . import views

app_name = "inbox"
urlpatterns = [path("orders/<str:number>/documents/", views.order_documents, name="order_documents")]
