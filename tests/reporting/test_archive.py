"""Who may read a report: its person, the members of its organisation, its initiative's owners."""

from datetime import date

import pytest

from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.organisations.services import create_organisation
from marketplace.reporting.archive import get_report, reports_for
from marketplace.reporting.models import Cadence, OwnerType, Report, ReportState


def add_report(owner_type, owner_id, status=ReportState.BUILT, month=10) -> Report:
    report = Report(
        owner_type=owner_type,
        owner_id=owner_id,
        cadence=Cadence.MONTHLY,
        period_start=date(2026, month, 1),
        period_end=date(2026, month, 28),
        status=status,
        title=f"{owner_type} {owner_id}",
    )
    db.session.add(report)
    db.session.commit()
    return report


def test_archive_holds_own_organisations_and_initiatives_reports(app, make_user, make_initiative):
    member, outsider = make_user(), make_user()
    organisation = create_organisation(member, "Fonds Archief")
    initiative = make_initiative(owner=member)
    readable = [
        add_report(OwnerType.USER, member.id, ReportState.SENT),
        add_report(OwnerType.ORGANISATION, organisation.id, month=9),
        add_report(OwnerType.INITIATIVE, initiative.id, month=8),
    ]
    not_readable = [
        add_report(OwnerType.USER, outsider.id),
        add_report(OwnerType.ORGANISATION, create_organisation(outsider, "Ander Fonds").id),
        add_report(OwnerType.INITIATIVE, make_initiative(owner=outsider).id),
        add_report(OwnerType.USER, member.id, ReportState.CLAIMED, month=11),  # not built yet
    ]

    assert [r.id for r in reports_for(member).items] == [r.id for r in readable]  # newest first
    assert all(get_report(r.id, member) is r for r in readable)
    for report in not_readable:
        with pytest.raises(NotFound):
            get_report(report.id, member)
