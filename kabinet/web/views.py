from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


def health(request: HttpRequest) -> HttpResponse:
    """Answer load balancers and the fault tests: the process is up."""
    return HttpResponse("ok", content_type="text/plain")
