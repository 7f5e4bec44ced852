import io

import pytest
from sqlalchemy import func, select

from marketplace.errors import InvalidInput
from marketplace.extensions import db
from marketplace.impact import reports, reports_csv
from marketplace.impact.evidence import EVIDENCE_MAX_BYTES
from marketplace.impact.models import OutcomeReport, OutcomeReportValue, ReportStatus
from tests.impact.conftest import PDF_BYTES, PNG_BYTES


@pytest.fixture
def metrics(make_metric, declare, initiative):
    meals = make_metric(code="meals")
    hours = make_metric(code="volunteer_hours")
    declare(initiative, meals)
    declare(initiative, hours)
    return meals, hours


@pytest.fixture
def draft(owner, initiative, metrics, make_report):
    return make_report(initiative, owner, [(metrics[0], 5)], submit=False)


def upload(client, headers, report, data: bytes, name="bewijs.pdf"):
    return client.post(
        f"/api/v1/outcome-reports/{report.id}/evidence",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_pdf_evidence_is_stored_and_served_as_attachment(client, auth_headers, login, owner, draft):
    response = upload(client, auth_headers(owner), draft, PDF_BYTES, "kwartaal 1.pdf")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["evidence_file"] == f"/reports/{draft.id}/evidence"
    assert draft.evidence_content_type == "application/pdf"
    assert draft.evidence_original_name == "kwartaal 1.pdf"
    assert draft.evidence_filename.endswith(".pdf")
    assert draft.evidence_filename != "kwartaal 1.pdf"
    login(owner)
    served = client.get(f"/reports/{draft.id}/evidence")
    assert served.status_code == 200
    assert served.data == PDF_BYTES
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_image_evidence_is_served_inline(client, auth_headers, login, owner, draft):
    assert upload(client, auth_headers(owner), draft, PNG_BYTES, "foto.png").status_code == 200
    assert draft.evidence_content_type == "image/png"
    login(owner)
    served = client.get(f"/reports/{draft.id}/evidence")
    assert served.headers["Content-Disposition"].startswith("inline")
    assert served.mimetype == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.4 but never finished",
        b"MZ\x90\x00 an executable",
    ],
)
def test_evidence_type_is_judged_by_content_not_name(client, auth_headers, owner, draft, data):
    response = upload(client, auth_headers(owner), draft, data, "bewijs.pdf")
    assert response.status_code == 422
    assert draft.evidence_filename is None


def test_evidence_larger_than_10_mb_is_refused(client, auth_headers, owner, draft):
    big = PDF_BYTES[:-6] + b"\0" * (EVIDENCE_MAX_BYTES + 1 - len(PDF_BYTES)) + b"%%EOF\n"
    assert len(big) > EVIDENCE_MAX_BYTES
    response = upload(client, auth_headers(owner), draft, big)
    assert response.status_code in (413, 422)
    assert draft.evidence_filename is None


def test_evidence_is_private_to_owners_and_verifiers(
    client, login, make_user, owner, verifier, draft
):
    reports.update_outcome_report(draft, owner, {}, evidence=io.BytesIO(PDF_BYTES))
    assert client.get(f"/reports/{draft.id}/evidence").status_code in (302, 404)
    login(make_user())
    assert client.get(f"/reports/{draft.id}/evidence").status_code == 404
    login(verifier)
    assert client.get(f"/reports/{draft.id}/evidence").status_code == 200


def count_reports() -> int:
    return db.session.scalar(select(func.count()).select_from(OutcomeReport))


GOOD_CSV = (
    "period_start,period_end,metric,quantity,evidence_url,note\n"
    "2024-01-01,2024-03-31,meals,120,https://example.org/q1.pdf,Q1\n"
    "2024-01-01,2024-03-31,volunteer_hours,300.5,,\n"
    "2024-04-01,2024-06-30,meals,90,https://example.org/q2.pdf,Q2\n"
)


def test_csv_import_creates_one_report_per_period(owner, initiative, metrics):
    reports = reports_csv.import_reports_csv(
        initiative, owner, io.BytesIO(GOOD_CSV.encode()), submit=True
    )
    assert [(r.period_start.isoformat(), r.status) for r in reports] == [
        ("2024-01-01", ReportStatus.SUBMITTED),
        ("2024-04-01", ReportStatus.SUBMITTED),
    ]
    assert {v.metric.code: str(v.quantity) for v in reports[0].values} == {
        "meals": "120.0000",
        "volunteer_hours": "300.5000",
    }
    assert reports[0].evidence_url == "https://example.org/q1.pdf"
    assert [e.action for e in reports[0].events] == ["imported", "submitted"]


def test_csv_import_with_bad_rows_saves_nothing_and_names_each_row(owner, initiative, metrics):
    bad = (
        "period_start,period_end,metric,quantity,evidence_url,note\n"
        "2024-01-01,2024-03-31,meals,120,https://example.org/q1.pdf,\n"  # fine
        "2024-01-01,2024-03-31,unknown_metric,5,,\n"  # row 3
        "2024-04-01,2024-06-30,meals,-4,,\n"  # row 4
        "2024-07-01,2024-07-15,meals,1,,\n"  # row 5: not a calendar period
        "2024-10-01,2024-12-31,meals,abc,,\n"  # row 6
    )
    with pytest.raises(InvalidInput) as error:
        reports_csv.import_reports_csv(initiative, owner, io.BytesIO(bad.encode()))
    rows = error.value.errors["rows"]
    assert [message.split(":")[0].split(" (")[0] for message in rows] == [
        "Rij 3", "Rij 4", "Rij 5", "Rij 6"
    ]  # fmt: skip
    assert count_reports() == 0
    assert db.session.scalar(select(func.count()).select_from(OutcomeReportValue)) == 0


def test_csv_import_refuses_overlapping_periods_in_the_file(owner, initiative, metrics):
    overlapping = (
        "period_start,period_end,metric,quantity\n"
        "2024-01-01,2024-03-31,meals,1\n"
        "2024-02-01,2024-02-29,meals,1\n"
    )
    with pytest.raises(InvalidInput) as error:
        reports_csv.import_reports_csv(initiative, owner, io.BytesIO(overlapping.encode()))
    assert error.value.errors["rows"] == [
        "Rij 3: deze periode overlapt met een andere periode in het bestand."
    ]
    assert count_reports() == 0


def test_csv_import_needs_the_columns_and_an_owner(owner, make_user, initiative, metrics):
    with pytest.raises(InvalidInput) as error:
        reports_csv.import_reports_csv(initiative, owner, io.BytesIO(b"metric,quantity\nmeals,1\n"))
    assert "period_start" in error.value.message
    from marketplace.errors import NotAllowed

    with pytest.raises(NotAllowed):
        reports_csv.import_reports_csv(initiative, make_user(), io.BytesIO(GOOD_CSV.encode()))


def test_csv_template_lists_declared_metrics(initiative, metrics):
    lines = reports_csv.template_csv(initiative).splitlines()
    assert lines[0] == "period_start,period_end,metric,quantity,evidence_url,note"
    assert [line.split(",")[2] for line in lines[1:]] == ["meals", "volunteer_hours"]
