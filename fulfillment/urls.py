from django.urls import path

from . import views

app_name = "fulfillment"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/pick-list/", views.pick_list, name="pick-list"),
    path("<int:pk>/packing-slip/", views.packing_slip, name="packing-slip"),
]
