"""The language a command speaks: the LANGUAGE environment variable when it names one of the
portal's languages (`en`, `ru`, `uk_UA`, `ru:en`), else the portal's default (Ukrainian)."""

import os

from django.conf import settings


def command_language() -> str:
    """Return the language code that commands print in."""
    known = {code for code, _name in settings.LANGUAGES}
    for candidate in os.environ.get("LANGUAGE", "").split(":"):
        code = candidate.split(".")[0].split("_")[0].lower()
        if code in known:
            return code
    return settings.LANGUAGE_CODE
