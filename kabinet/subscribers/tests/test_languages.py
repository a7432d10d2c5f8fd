"""The registration pages speak Ukrainian by default, Russian and English on request."""

import pytest


@pytest.mark.parametrize(
    ("accept", "heading"),
    [
        ("", "Реєстрація: знайдіть свій особовий рахунок"),
        ("uk", "Реєстрація: знайдіть свій особовий рахунок"),
        ("ru-RU,ru;q=0.9", "Регистрация: найдите свой лицевой счёт"),
        ("en-GB,en;q=0.8", "Registration: find your account"),
    ],
)
def test_a_first_visit_follows_accept_language(db, client, accept, heading):
    page = client.get("/register/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()

    assert heading in page


def test_the_chosen_language_is_remembered(db, client):
    client.post("/i18n/setlang/", {"language": "ru", "next": "/register/"})

    page = client.get("/register/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="ru">' in page
    assert "Номер лицевого счёта" in page


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_the_check_failure_is_translated(billed_account, client, check_post, language):
    client.cookies["django_language"] = language

    page = client.post("/register/", check_post | {"surname": "Інша"}).content.decode()

    assert "No account matches" not in page
    assert {"uk": "Жоден рахунок", "ru": "Ни один счёт"}[language] in page
