"""Every user-visible string is translated in nl and en (scripts/translations.py keeps them so)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_catalogs_are_complete():
    result = subprocess.run(
        [sys.executable, "scripts/translations.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_dutch_is_the_default_and_english_on_request(client):
    assert "Financier wat jouw buurt opbouwt" in client.get("/").text
    assert "Fund what your neighbourhood builds" in client.get("/?lang=en").text
    client.get("/lang/en?next=/initiatives")
    assert "Initiatives" in client.get("/initiatives").text


def test_money_is_formatted_per_locale(app):
    from marketplace.money import format_money

    assert format_money(123456, locale="nl_NL") == "€\xa01.234,56"
    assert format_money(123456, locale="en_GB") == "€1,234.56"


def test_dutch_says_je_never_u():
    """One form of address: the Dutch UI says "je" and "jouw", never "u" or "uw"."""
    import re

    from babel.messages.pofile import read_po

    polite = re.compile(r"\b(u|uw|Uw)\b|\bU\b(?! ?\.?A\.)")
    with (ROOT / "marketplace/translations/nl/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        found += [s for s in strings if s and polite.search(s)]
    assert found == []


def test_no_number_is_formatted_by_hand_in_templates():
    """Numbers go through Babel (|number, |percent, |share, |km, |money): no "%.2f", |round or
    a "%" glued to a value in a template."""
    import re

    by_hand = re.compile(r"[\"']%\.\d+f[\"']|\|round\b|\}\}%|%\)?d%%")
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in (ROOT / "marketplace/templates").rglob("*.html")
        for line in path.read_text(encoding="utf-8").splitlines()
        if by_hand.search(line)
    ]
    assert found == []
