"""The yearly gift overview as CSV for Dutch (";" and "25,00") or English Excel, and as XLSX."""

import csv
import io
from datetime import date

import openpyxl

from marketplace import tables
from tests.gifts import paid_gift


def test_overview_csv_follows_the_language(client, login, make_user, make_initiative):
    donor = login(make_user())
    initiative = make_initiative(name="Buurtkracht Coöperatie")
    paid_gift(initiative, 123_456, date(2025, 3, 1), user=donor, method="creditcard")

    dutch = client.get("/donations/overview/2025.csv").get_data(as_text=True)
    assert dutch.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(dutch.lstrip("\ufeff")), delimiter=";"))
    assert rows[0]["Bedrag (EUR)"] == "1234,56"
    assert rows[0]["Methode"] == "Creditcard"
    assert rows[0]["Datum"] == "2025-03-01"

    english = client.get("/donations/overview/2025.csv?lang=en").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(english.lstrip("\ufeff"))))
    assert rows[0]["Amount (EUR)"] == "1234.56"


def test_overview_xlsx_has_numbers(client, login, make_user, make_initiative):
    donor = login(make_user())
    paid_gift(make_initiative(), 2_500, date(2025, 6, 1), user=donor)
    response = client.get("/donations/overview/2025.xlsx")
    assert response.mimetype == tables.XLSX_MIMETYPE
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert sheet["G2"].value == 25
    assert sheet["A2"].value.date() == date(2025, 6, 1)
    page = client.get("/donations/overview/2025").get_data(as_text=True)
    assert "/donations/overview/2025.xlsx" in page and "/donations/overview/2025.csv" in page


def test_overview_download_of_nobody_else(client, login, make_user, make_initiative):
    paid_gift(make_initiative(), 2_500, date(2025, 6, 1), user=make_user())
    login(make_user())
    rows = client.get("/donations/overview/2025.csv").get_data(as_text=True).splitlines()
    assert len(rows) == 1  # the header only
    assert client.get("/donations/overview/1999.xlsx").status_code == 404
