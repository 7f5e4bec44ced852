"""The report archive: the reports a person may read (own, their organisations', initiatives')."""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import or_, select

from marketplace.accounts.models import User
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.initiatives.models import Initiative
from marketplace.organisations.models import Membership, Organisation
from marketplace.reporting.models import OwnerType, Report, ReportState

READABLE = (ReportState.BUILT, ReportState.SENT)
OWNER_MODELS = {
    OwnerType.USER: User,
    OwnerType.ORGANISATION: Organisation,
    OwnerType.INITIATIVE: Initiative,
}


def _readable_by(user: User):
    """Reports of the user, of an organisation they are a member of, or of an initiative they own
    (subqueries, so the condition does not grow with their memberships)."""
    organisation_ids = select(Membership.organisation_id).where(Membership.user_id == user.id)
    initiative_ids = select(Initiative.id).where(Initiative.owners.any(User.id == user.id))
    return or_(
        (Report.owner_type == OwnerType.USER) & (Report.owner_id == user.id),
        (Report.owner_type == OwnerType.ORGANISATION) & Report.owner_id.in_(organisation_ids),
        (Report.owner_type == OwnerType.INITIATIVE) & Report.owner_id.in_(initiative_ids),
    )


def reports_for(user: User, page: int = 1, per_page: int = 20):
    """The user's archive: own, organisations' and initiatives' reports, newest first."""
    query = (
        select(Report)
        .where(_readable_by(user), Report.status.in_(READABLE))
        .order_by(Report.period_end.desc(), Report.id.desc())
    )
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    name_owners(pagination.items)
    return pagination


def get_report(report_id: int, user: User) -> Report:
    """A report of the user's own, of one of their organisations or initiatives; else NotFound."""
    report = db.session.scalar(
        select(Report).where(
            Report.id == report_id, _readable_by(user), Report.status.in_(READABLE)
        )
    )
    if report is None:
        raise NotFound(_("Report not found."))
    name_owners([report])
    return report


def name_owners(reports: list[Report]) -> None:
    """Set each report's `owner_name`: the person's, organisation's or initiative's current name
    (one query per kind of owner on the page, whatever the number of reports)."""
    ids: dict[OwnerType, set[int]] = defaultdict(set)
    for report in reports:
        ids[report.owner_type].add(report.owner_id)
    names: dict[tuple[OwnerType, int], str] = {}
    for owner_type, owner_ids in ids.items():
        model = OWNER_MODELS[owner_type]
        for owner_id, name in db.session.execute(
            select(model.id, model.name).where(model.id.in_(owner_ids))
        ):
            names[(owner_type, owner_id)] = name
    for report in reports:
        report.owner_name = names.get((report.owner_type, report.owner_id), "")
