"""What visitors expect: a privacy statement (AVG), terms and contact pages, and a favicon,
linked from every footer in both languages."""

import pytest


@pytest.mark.parametrize(
    ("path", "dutch", "english"),
    [
        ("/privacy", "Privacyverklaring", "Privacy statement"),
        ("/terms", "Gebruiksvoorwaarden", "Terms of use"),
        ("/contact", "Contact", "Contact"),
    ],
)
def test_pages_in_both_languages(client, path, dutch, english):
    nl = client.get(path)
    assert nl.status_code == 200
    assert f"<h1>{dutch}</h1>" in nl.text
    en = client.get(f"{path}?lang=en")
    assert en.status_code == 200 and f"<h1>{english}</h1>" in en.text


def test_privacy_statement_covers_what_the_avg_asks(client, app):
    text = client.get("/privacy").text
    for words in ("Autoriteit Persoonsgegevens", "zeven jaar", "info@impactbeurs.nl", "cookie",
                  "PDOK", "OpenStreetMap"):  # fmt: skip
        assert words in text, words
    english = client.get("/privacy?lang=en").text
    assert "Article 6(1)(b) GDPR" in english and "seven years" in english


def test_the_operator_comes_from_the_settings(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_OPERATOR", "Coöperatie Impactbeurs U.A.")
    monkeypatch.setitem(app.config, "CONTACT_EMAIL", "hallo@example.org")
    monkeypatch.setitem(app.config, "CONTACT_ADDRESS", "Oudegracht 1, 3511 AA Utrecht")
    monkeypatch.setitem(app.config, "KVK_NUMBER", "12345678")
    page = client.get("/contact").text
    for value in ("Coöperatie Impactbeurs U.A.", "mailto:hallo@example.org",
                  "Oudegracht 1, 3511 AA Utrecht", "12345678"):  # fmt: skip
        assert value in page
    assert "Coöperatie Impactbeurs U.A." in client.get("/privacy").text


@pytest.mark.parametrize("path", ["/", "/initiatives", "/exchange/", "/account/login", "/privacy",
                                  "/does-not-exist"])  # fmt: skip
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_footer_links_them(client, path, lang):
    page = client.get(f"{path}?lang={lang}").text
    footer = page.split('<footer class="site-footer">')[1]
    for target in ('href="/privacy"', 'href="/terms"', 'href="/contact"'):
        assert target in footer, (path, target)
    label = {"nl": "Voorwaarden", "en": "Terms"}[lang]
    assert f">{label}</a>" in footer
    head = page.split("</head>")[0]
    assert 'rel="icon"' in head and "favicon.svg" in head


def test_favicon(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in svg.data
    assert client.get("/static/apple-touch-icon.png").data[:8] == b"\x89PNG\r\n\x1a\n"
