def test_home_page_answers_in_ukrainian_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "uk"


def test_home_page_follows_accept_language_on_a_first_visit(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "en"


def test_every_page_carries_the_security_headers(client):
    response = client.get("/")

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_health_answers_ok(client):
    response = client.get("/health/")

    assert response.content == b"ok"


def test_favicon_ico_leads_to_the_icon_every_page_names(client):
    response = client.get("/favicon.ico")
    page = client.get("/").content.decode()

    assert response.status_code == 301
    assert response.headers["Location"].endswith("kabinet/favicon.svg")
    assert f'href="{response.headers["Location"]}"' in page
