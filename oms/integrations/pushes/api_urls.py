from rest_framework.routers import SimpleRouter

from .api import ChannelPushViewSet

router = SimpleRouter()
router.register("channel-pushes", ChannelPushViewSet, basename="channel-push")

urlpatterns = router.urls
