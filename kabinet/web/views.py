from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def health(request: HttpRequest) -> HttpResponse:
    """Answer load balancers and the fault tests: the process is up."""
    return HttpResponse("ok", content_type="text/plain")


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon (the API's docs, a PDF); the
    # static URL is resolved per request because the manifest may be absent at import time.
    return HttpResponsePermanentRedirect(static("kabinet/favicon.svg"))
