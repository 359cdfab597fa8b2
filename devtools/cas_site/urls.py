"""The CAS under /cas/, and the static files (served by this process: no outside origin)."""

from django.contrib.staticfiles.views import serve
from django.urls import include, path, re_path

urlpatterns = [
    path("cas/", include("cas_server.urls", namespace="cas_server")),
    re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}),
]
