"""The portal's URLs plus the benchmarks' floors, used only by the benchmark settings."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from kabinet.config.urls import urlpatterns as portal_urlpatterns


def bench_ok(request: HttpRequest) -> HttpResponse:
    """Answer "ok" and nothing else: the floor a measured page is compared with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok/", bench_ok),
    # The same for a signed-in subscriber: what loading the session and the user costs.
    path("bench/ok-signed-in/", login_required(bench_ok)),
    *portal_urlpatterns,
]
