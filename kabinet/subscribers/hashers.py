"""Password hashing: Argon2id at OWASP's minimum, a check in about 30 ms of CPU (issue 12).

Django's `Argon2PasswordHasher` defaults to 100 MiB and 8 lanes; each gunicorn worker checks
one password at a time on one core, so lanes buy nothing and 100 MiB a sign-in is memory the
workers do not have. The parameters here are OWASP's minimum for Argon2id (Password Storage
Cheat Sheet: m = 19 MiB, t = 2, p = 1), read from the settings so an operator can raise them
(docs/operations.md, "Password hashing"). A stored hash made with other parameters, or with
PBKDF2 (the hasher before this one), is rehashed with these on the next successful sign-in:
Django calls `must_update` and saves the new hash.
"""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP's minimum: below it the settings refuse to start (kabinet.config.settings.base).
MIN_MEMORY_KIB = 19 * 1024
MIN_TIME_COST = 2


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with the memory, passes and lanes of `KABINET_ARGON2_*` (same "argon2" name,
    so hashes made by Django's own Argon2 hasher are read and upgraded too)."""

    @property
    def memory_cost(self) -> int:  # type: ignore[override]
        return int(settings.ARGON2_MEMORY_KIB)

    @property
    def time_cost(self) -> int:  # type: ignore[override]
        return int(settings.ARGON2_TIME_COST)

    @property
    def parallelism(self) -> int:  # type: ignore[override]
        return int(settings.ARGON2_PARALLELISM)
