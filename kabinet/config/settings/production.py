"""Production: a real secret key is required, cookies are Secure, HTTPS is enforced."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

if not os.environ.get("KABINET_SECRET_KEY"):
    raise ImproperlyConfigured("KABINET_SECRET_KEY must be set in production.")
if PAYMENTS_SANDBOX:  # noqa: F405
    raise ImproperlyConfigured(
        "KABINET_PAYMENTS_SANDBOX=1 is for the demo and tests: payments there move no money."
    )
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("KABINET_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
