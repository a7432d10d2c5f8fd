"""The back office and the API speak Ukrainian by default, and Russian when asked."""

import re
from pathlib import Path

import pytest
from django.utils import translation

KABINET = Path(__file__).resolve().parents[2]


def untranslated(po: Path) -> list[str]:
    """Return the msgids of `po` whose msgstr is empty (the header aside)."""
    text = po.read_text()
    missing = []
    for block in text.split("\n\n"):
        msgid = "".join(re.findall(r'^(?:msgid|")\s*"?(.*)"$', block.split("msgstr")[0], re.M))
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"\n?((?:".*"\n?)*)', block, re.M)
        if msgid and any(not (first or rest.strip()) for first, rest in strings):
            missing.append(msgid)
    return missing


@pytest.mark.parametrize("app", ["backoffice", "api", "providers"])
@pytest.mark.parametrize("language", ["uk", "ru"])
def test_every_message_of_the_app_is_translated(app, language):
    po = KABINET / app / "locale" / language / "LC_MESSAGES" / "django.po"

    assert untranslated(po) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("uk", "Показання на перевірку"), ("ru", "Показания на проверку")]
)
def test_the_dashboard_speaks_the_chosen_language(operator_client, language, heading):
    with translation.override(language):
        response = operator_client.get("/backoffice/", HTTP_ACCEPT_LANGUAGE=language)

    assert heading in response.content.decode()
