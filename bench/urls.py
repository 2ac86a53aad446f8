"""The benchmarks' URLs: the site's, plus a bare view as the yardstick (never deployed)."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The floor: the whole middleware stack and a constant response."""
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("oik_site.urls")),
]
