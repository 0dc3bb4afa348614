from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from .diarium import DiariumViewSet
from .views import RegisterViewSet

router = DefaultRouter()
# No ``/register/1.json``: the schema describes no such addresses, and without them every
# entry address (``register/<anything but a slash>/``) reaches the API, which answers 404 in
# JSON, not Django's HTML page.
router.include_format_suffixes = False
router.register("register", RegisterViewSet, basename="register")
router.register("diarium", DiariumViewSet, basename="diarium")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
]
