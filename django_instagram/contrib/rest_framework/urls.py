"""The API's router. Include it under a prefix such as ``api/instagram/``."""

from rest_framework.routers import DefaultRouter

from .views import AccountViewSet, MediaViewSet

app_name = "django_instagram_api"

router = DefaultRouter()
router.register("accounts", AccountViewSet, basename="account")
router.register("media", MediaViewSet, basename="media")

urlpatterns = router.urls
