from django.urls import path

from .api import ChannelOrderImportView, ChannelPullView, ChannelWebhookView

urlpatterns = [
    path("channels/<slug:code>/webhooks/", ChannelWebhookView.as_view(), name="channel-webhooks"),
    path("channels/<slug:code>/orders/", ChannelOrderImportView.as_view(), name="channel-orders"),
    path("channels/<slug:code>/pull/", ChannelPullView.as_view(), name="channel-pull"),
]
