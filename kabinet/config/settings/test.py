"""The test suite: fast hashing, mail kept in memory, tasks run at once."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests make providers one by one and roll them back: no per-process copy of them.
PROVIDER_CACHE_SECONDS = 0
