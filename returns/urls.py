from django.urls import path

from . import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list, name="list"),
    path("<str:number>/", views.return_detail, name="detail"),
    path("<str:number>/receive/", views.return_receive, name="receive"),
    path("<str:number>/authorize/", views.return_decide, {"decision": "authorize"}, name="authorize"),
    path("<str:number>/reject/", views.return_decide, {"decision": "reject"}, name="reject"),
]
