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
