from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("instagram/", include("django_instagram.urls")),
    path("instagram-sandbox/", include("django_instagram.sandbox.urls")),
    path("", include("example_project.demo.urls")),
]

# The REST API needs the optional "rest" extra (Django REST framework).
try:
    import rest_framework  # noqa: F401
except ImportError:
    pass
else:
    urlpatterns.insert(-1, path("api/instagram/", include("django_instagram.contrib.rest_framework.urls")))
