"""Impact pages: methodology, the metric catalog admin, outcomes/inputs, reports, review queue."""

from decimal import ROUND_HALF_UP, Decimal

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from marketplace.accounts.auth import admin_required
from marketplace.accounts.forms import EmptyForm
from marketplace.accounts.views import show_errors
from marketplace.errors import InvalidInput
from marketplace.impact import (
    access,
    catalog,
    declarations,
    reports,
    valuation,
)
from marketplace.impact.forms import (
    FRACTION_HELP,
    InputForm,
    MetricForm,
    OutcomeForm,
    ProxyForm,
)
from marketplace.impact.models import EVIDENCE_LEVELS, VALUE_KIND_LABELS
from marketplace.impact.schemas import plain
from marketplace.impact.sroi import DEFAULT_DISCOUNT_RATE
from marketplace.initiatives.models import THEME_LABELS
from marketplace.initiatives.services import get_initiative_by_slug
from marketplace.pagecache import cached_page

bp = Blueprint("impact", __name__)


@bp.app_template_filter("impact_number")
def impact_number(value, places: int = 2) -> str:
    """A Decimal in the reader's locale with a fixed number of decimals: 2.934 -> "2,93" (nl)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(rounded, format=pattern)


@bp.app_template_filter("impact_percent")
def impact_percent(value) -> str:
    """A fraction as a percentage: "0.0225" -> "2,25%" (nl)."""
    return format_percent(Decimal(str(value)), format="#,##0.##%")


@bp.app_template_global("filters_text")
def filters_text(deadweight, displacement, attribution, drop_off, years) -> str:
    """An outcome's SROI filters in words: "deadweight 25%, displacement 0%, ..., 3 years"."""
    return _(
        "deadweight %(deadweight)s, displacement %(displacement)s, attribution %(attribution)s,"
        " drop-off %(drop_off)s a year, %(years)s",
        deadweight=impact_percent(deadweight),
        displacement=impact_percent(displacement),
        attribution=impact_percent(attribution),
        drop_off=impact_percent(drop_off),
        years=ngettext("%(num)d year", "%(num)d years", years or 1),
    )


@bp.app_template_global("value_kind_labels")
def value_kind_labels() -> dict:
    return VALUE_KIND_LABELS


@bp.app_template_global("evidence_level_label")
def evidence_level_label(level) -> str:
    return str(EVIDENCE_LEVELS.get(level, ""))


# --- public ---------------------------------------------------------------------------------------


@bp.route("/methodology")
@cached_page(lambda: ["catalog"])
def methodology():
    """How social value is computed, and every proxy with its source."""
    metrics = catalog.list_metrics()
    by_theme: dict = {}
    for metric in metrics:
        by_theme.setdefault(metric.theme, []).append(metric)
    return render_template(
        "impact/methodology.html",
        by_theme=by_theme,
        themes=THEME_LABELS,
        value_kinds=VALUE_KIND_LABELS,
        evidence_levels=EVIDENCE_LEVELS,
        discount_rate=valuation.discount_rate(),
        default_rate=DEFAULT_DISCOUNT_RATE,
        unvalued=[m for m in metrics if not (m.current_proxy and m.current_proxy.has_value)],
    )


# --- owners: declared outcomes and inputs ---------------------------------------------------------


def _editable_initiative(slug: str):
    initiative = get_initiative_by_slug(slug, current_user)
    access.require_editor(initiative, current_user)
    return initiative


def _outcome_form() -> OutcomeForm:
    form = OutcomeForm(prefix="outcome")
    form.metric.choices = [
        (m.code, f"{m.theme.label} · {m.name} ({m.unit})") for m in catalog.list_metrics()
    ]
    return form


@bp.route("/initiatives/<slug>/impact")
@login_required
def manage(slug: str):
    """The owners' impact page: declared outcomes, inputs and reports."""
    initiative = _editable_initiative(slug)
    return _render_manage(initiative, _outcome_form(), InputForm(prefix="input"))


def _render_manage(initiative, outcome_form, input_form, status: int = 200):
    return render_template(
        "impact/manage.html",
        initiative=initiative,
        outcomes=declarations.declared_outcomes(initiative),
        inputs=declarations.declared_inputs(initiative),
        reports=reports.reports_for_initiative(initiative, current_user),
        outcome_form=outcome_form,
        input_form=input_form,
        button_form=EmptyForm(),
        fraction_help=FRACTION_HELP,
        is_owner=initiative.is_owned_by(current_user),
    ), status


@bp.route("/initiatives/<slug>/impact/outcomes", methods=["POST"])
@login_required
def declare_outcome(slug: str):
    initiative = _editable_initiative(slug)
    form = _outcome_form()
    if form.validate_on_submit():
        try:
            declarations.declare_outcome(initiative, current_user, form.service_data())
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("The outcome is saved."), "success")
            return redirect(url_for("impact.manage", slug=slug))
    return _render_manage(initiative, form, InputForm(prefix="input"), 422)


@bp.route("/initiatives/<slug>/impact/outcomes/<code>/remove", methods=["POST"])
@login_required
def remove_outcome(slug: str, code: str):
    initiative = _editable_initiative(slug)
    if EmptyForm().validate_on_submit():
        declarations.remove_outcome(initiative, current_user, code)
        flash(_("The outcome is removed."), "success")
    return redirect(url_for("impact.manage", slug=slug))


@bp.route("/initiatives/<slug>/impact/inputs", methods=["POST"])
@login_required
def add_input(slug: str):
    initiative = _editable_initiative(slug)
    form = InputForm(prefix="input")
    if form.validate_on_submit():
        try:
            declarations.add_input(initiative, current_user, form.service_data())
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("The input is saved."), "success")
            return redirect(url_for("impact.manage", slug=slug))
    return _render_manage(initiative, _outcome_form(), form, 422)


@bp.route("/initiatives/<slug>/impact/inputs/<int:input_id>/remove", methods=["POST"])
@login_required
def remove_input(slug: str, input_id: int):
    initiative = _editable_initiative(slug)
    if EmptyForm().validate_on_submit():
        declarations.remove_input(initiative, current_user, input_id)
        flash(_("The input is removed."), "success")
    return redirect(url_for("impact.manage", slug=slug))


# --- owners: reports ------------------------------------------------------------------------------


# --- verifiers ------------------------------------------------------------------------------------


# --- admins: the catalog --------------------------------------------------------------------------


@bp.route("/admin/metrics", methods=["GET", "POST"])
@admin_required
def admin_metrics():
    """The catalog, and a form to add a metric."""
    form = MetricForm()
    proxy_form = ProxyForm(prefix="proxy")
    if form.validate_on_submit():
        try:
            metric = catalog.create_metric(
                {**form.service_data(with_code=True), **_proxy_data(proxy_form)}, current_user
            )
        except InvalidInput as error:
            show_errors(form, error)
            show_errors(proxy_form, error)
        else:
            flash(_("The metric is added."), "success")
            return redirect(url_for("impact.admin_metric", code=metric.code))
    status = 422 if form.errors or proxy_form.errors else 200
    return render_template(
        "impact/admin_metrics.html",
        metrics=catalog.list_metrics(include_inactive=True),
        form=form,
        proxy_form=proxy_form,
    ), status


def _proxy_data(proxy_form: ProxyForm) -> dict:
    data = {k: v for k, v in proxy_form.service_data().items() if v not in (None, "")}
    return data


@bp.route("/admin/metrics/<code>", methods=["GET", "POST"])
@admin_required
def admin_metric(code: str):
    """Edit a metric; a new proxy is added as a version, never overwriting the old one."""
    metric = catalog.get_metric(code)
    form = MetricForm(obj=metric, prefix="metric")
    proxy_form = ProxyForm(prefix="proxy")
    current = metric.current_proxy
    if request.method == "GET":
        form.theme.data = metric.theme.value
        form.value_kind.data = metric.value_kind.value
        if current is not None:
            proxy_form.proxy_value.data = (
                "" if current.value is None else (plain(current.value) or "")
            )
            proxy_form.price_year.data = str(current.price_year or "")
            proxy_form.basis.data = current.basis
            proxy_form.source_title.data = current.source_title
            proxy_form.source_url.data = current.source_url
    action = request.form.get("action")
    if action == "metric" and form.validate_on_submit():
        try:
            catalog.update_metric(metric, form.service_data(with_code=False), current_user)
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(_("The metric is saved."), "success")
            return redirect(url_for("impact.admin_metric", code=code))
    elif action == "proxy" and proxy_form.validate_on_submit():
        try:
            catalog.add_proxy_version(metric, proxy_form.service_data(), current_user)
        except InvalidInput as error:
            show_errors(proxy_form, error)
        else:
            flash(_("A new proxy version is saved."), "success")
            return redirect(url_for("impact.admin_metric", code=code))
    status = 422 if form.errors or proxy_form.errors else 200
    return render_template(
        "impact/admin_metric.html", metric=metric, form=form, proxy_form=proxy_form
    ), status
