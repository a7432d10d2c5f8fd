"""Every user-facing string is translated into Ukrainian and Russian, once, and compiled.

Django merges the apps' catalogues into one, so the same English text translated two ways in
two apps would silently show one of them everywhere; the checks below catch that too. That
the catalogues hold every string of the source is checked in CI (`.ci/checks/messages.sh`),
which needs GNU gettext.
"""

import gettext
from pathlib import Path

import pytest

from tests.po import KABINET, catalogues, po_entries

LANGUAGES = ["uk", "ru"]


def apps_with_strings() -> list[str]:
    """Apps whose templates or Python code mark strings for translation."""
    apps = []
    for app in sorted(p for p in KABINET.iterdir() if (p / "apps.py").exists()):
        sources = [*app.rglob("*.html"), *app.rglob("*.txt"), *app.rglob("*.py")]
        marked = (
            "{% translate" in text or "{% blocktranslate" in text or "gettext" in text
            for path in sources
            if "tests" not in path.parts
            for text in [path.read_text(encoding="utf-8")]
        )
        if any(marked):
            apps.append(app.name)
    return apps


def test_every_app_with_strings_has_ukrainian_and_russian_catalogues():
    for language in LANGUAGES:
        assert set(apps_with_strings()) <= set(catalogues(language)), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    untranslated = [
        f"{app}: {entry.msgid!r}"
        for app, po in catalogues(language).items()
        for entry in po_entries(po)
        if not entry.translated
    ]

    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_text_has_one_translation_across_the_apps(language):
    seen: dict[tuple[str, str], tuple[str, list[str]]] = {}
    conflicts = []
    for app, po in catalogues(language).items():
        for entry in po_entries(po):
            first = seen.setdefault(entry.key, (app, entry.strings))
            if first[1] != entry.strings:
                conflicts.append(f"{entry.msgid!r}: {first[0]} {first[1]} vs {app} {entry.strings}")

    assert conflicts == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogues_match_their_sources(language):
    stale = []
    for app, po in catalogues(language).items():
        with Path(po.with_suffix(".mo")).open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)
        for entry in po_entries(po):
            if entry.plural or not entry.translated:
                continue
            msgid = f"{entry.context}\x04{entry.msgid}" if entry.context else entry.msgid
            if compiled._catalog.get(msgid) != entry.strings[0]:  # type: ignore[attr-defined]
                stale.append(f"{app}: {entry.msgid!r}")

    assert stale == []
