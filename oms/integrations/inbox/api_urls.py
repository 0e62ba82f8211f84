from rest_framework.routers import SimpleRouter

from .api import InboxDocumentViewSet

router = SimpleRouter()
router.register("inbox/documents", InboxDocumentViewSet, basename="inbox-document")

urlpatterns = router.urls
