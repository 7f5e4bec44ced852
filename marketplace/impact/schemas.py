"""Marshmallow schemas of the impact API: quantities, proxies, filters and money as strings."""

from decimal import Decimal

from marshmallow import Schema, fields, validate

from marketplace.api.schemas import CentsAsDecimalString, Integer, NumberOrString
from marketplace.impact.models import InputKind, ReportPeriod, ValueKind
from marketplace.initiatives.models import Theme


def plain(value) -> str | None:
    """A Decimal without trailing zeros or exponent: Decimal("30.870000") -> "30.87"."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return text


def euros_per_unit(value) -> str | None:
    """A proxy in euros: at least cents, more decimals only where they matter ("0.0486")."""
    if value is None:
        return None
    number = Decimal(value).normalize()
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        number = number.quantize(Decimal("0.01"))
    return format(number, "f")


class ProxyDecimal(fields.String):
    def _serialize(self, value, attr, obj, **kwargs):
        return euros_per_unit(value)


class PlainDecimal(fields.String):
    """A Decimal column as a plain decimal string ("0.25", "120"), never a float."""

    def _serialize(self, value, attr, obj, **kwargs):
        return plain(value)


def _proxy(metric):
    return metric.current_proxy


class ProxyVersionSchema(Schema):
    id = Integer()
    value = ProxyDecimal(allow_none=True)
    price_year = Integer(allow_none=True)
    basis = fields.String()
    source_title = fields.String()
    source_url = fields.String()
    valid_from = fields.Date()
    created_at = fields.DateTime()


class MetricSchema(Schema):
    code = fields.String()
    theme = fields.Function(lambda m: m.theme.value, metadata={"type": "string"})
    name = fields.String()
    name_nl = fields.String()
    name_en = fields.String()
    unit = fields.String()
    iris_id = fields.Function(
        lambda m: m.iris_id or None, allow_none=True, metadata={"type": "string"}
    )
    value_kind = fields.Function(lambda m: m.value_kind.value, metadata={"type": "string"})
    proxy_value = fields.Function(
        lambda m: (
            None if not _proxy(m) or _proxy(m).value is None else euros_per_unit(_proxy(m).value)
        ),
        allow_none=True,
        metadata={"type": "string"},
    )
    price_year = fields.Function(
        lambda m: _proxy(m).price_year if _proxy(m) else None,
        allow_none=True,
        metadata={"type": "integer"},
    )
    source = fields.Function(
        lambda m: _proxy(m).source_title if _proxy(m) else "", metadata={"type": "string"}
    )
    source_url = fields.Function(
        lambda m: _proxy(m).source_url if _proxy(m) else "", metadata={"type": "string"}
    )
    proxy_basis = fields.Function(
        lambda m: _proxy(m).basis if _proxy(m) else "", metadata={"type": "string"}
    )
    proxy_valid_from = fields.Function(
        lambda m: _proxy(m).valid_from.isoformat() if _proxy(m) else None,
        allow_none=True,
        metadata={"type": "string", "format": "date"},
    )
    proxy_version_id = fields.Function(
        lambda m: _proxy(m).id if _proxy(m) else None, allow_none=True, metadata={"type": "integer"}
    )
    default_deadweight = PlainDecimal()
    default_displacement = PlainDecimal()
    default_attribution = PlainDecimal()
    default_drop_off = PlainDecimal()
    default_duration_years = Integer()
    active = fields.Boolean()


class MetricDetailSchema(MetricSchema):
    proxies = fields.List(fields.Nested(ProxyVersionSchema))


class MetricQuerySchema(Schema):
    theme = fields.String(validate=validate.OneOf([t.value for t in Theme]))
    include_inactive = fields.Boolean(load_default=False)


class MetricInputSchema(Schema):
    """Types only; the service validates the rules. Proxy fields create a new proxy version."""

    code = fields.String()
    theme = fields.String(validate=validate.OneOf([t.value for t in Theme]))
    name_nl = fields.String()
    name_en = fields.String()
    unit = fields.String()
    iris_id = fields.String(allow_none=True)
    value_kind = fields.String(validate=validate.OneOf([k.value for k in ValueKind]))
    default_deadweight = NumberOrString()
    default_displacement = NumberOrString()
    default_attribution = NumberOrString()
    default_drop_off = NumberOrString()
    default_duration_years = NumberOrString()
    active = fields.Boolean()
    proxy_value = NumberOrString(allow_none=True)
    price_year = NumberOrString(allow_none=True)
    basis = fields.String()
    source_title = fields.String()
    source_url = fields.String()
    valid_from = fields.String()


class MetricPatchSchema(MetricInputSchema):
    code = fields.String(dump_only=True)


class OutcomeSchema(Schema):
    id = Integer()
    metric = fields.Function(lambda o: o.metric.code, metadata={"type": "string"})
    metric_name = fields.Function(lambda o: o.metric.name, metadata={"type": "string"})
    unit = fields.Function(lambda o: o.metric.unit, metadata={"type": "string"})
    value_kind = fields.Function(lambda o: o.metric.value_kind.value, metadata={"type": "string"})
    deadweight = PlainDecimal()
    displacement = PlainDecimal()
    attribution = PlainDecimal()
    drop_off = PlainDecimal()
    duration_years = Integer()
    justification = fields.String()


class OutcomeInputSchema(Schema):
    metric = fields.String(required=True)
    deadweight = NumberOrString()
    displacement = NumberOrString()
    attribution = NumberOrString()
    drop_off = NumberOrString()
    duration_years = NumberOrString()
    justification = fields.String()


class InputSchema(Schema):
    id = Integer()
    source = fields.String()
    amount = CentsAsDecimalString(attribute="amount_cents")
    currency = fields.String()
    received_on = fields.Date()
    kind = fields.Function(lambda i: i.kind.value, metadata={"type": "string"})
    note = fields.String()


class InputInputSchema(Schema):
    source = fields.String(required=True)
    amount = NumberOrString(required=True)
    received_on = fields.String(required=True)
    kind = fields.String(validate=validate.OneOf([k.value for k in InputKind]))
    note = fields.String()


class ReportValueInputSchema(Schema):
    metric = fields.String(required=True)
    quantity = NumberOrString(required=True)


class ReportInputSchema(Schema):
    period = fields.String(validate=validate.OneOf([p.value for p in ReportPeriod]))
    period_start = fields.String(required=True)
    period_end = fields.String(required=True)
    values = fields.List(fields.Nested(ReportValueInputSchema), required=True)
    evidence_url = fields.String()
    note = fields.String()
    submit = fields.Boolean(load_default=False)


class ReportPatchSchema(ReportInputSchema):
    period_start = fields.String()
    period_end = fields.String()
    values = fields.List(fields.Nested(ReportValueInputSchema))


class ReviewInputSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["accepted", "rejected"]))
    reason = fields.String(load_default="")
    evidence_level = Integer(allow_none=True, minimum=1, maximum=5)


class ReportValueSchema(Schema):
    metric = fields.Function(lambda v: v.metric.code, metadata={"type": "string"})
    quantity = PlainDecimal()
    proxy_id = Integer(allow_none=True)
    proxy_value = fields.Function(
        lambda v: (
            None if v.proxy is None or v.proxy.value is None else euros_per_unit(v.proxy.value)
        ),
        allow_none=True,
        metadata={"type": "string"},
    )
    deadweight = PlainDecimal(allow_none=True)
    displacement = PlainDecimal(allow_none=True)
    attribution = PlainDecimal(allow_none=True)
    drop_off = PlainDecimal(allow_none=True)
    duration_years = Integer(allow_none=True)


class ReportEventSchema(Schema):
    action = fields.String()
    user_id = Integer(allow_none=True)
    changes = fields.Dict(metadata={"description": "what changed, field by field"})
    created_at = fields.DateTime()


class ReportSchema(Schema):
    id = Integer()
    initiative_id = Integer()
    period = fields.Function(lambda r: r.period.value, metadata={"type": "string"})
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.Function(lambda r: r.status.value, metadata={"type": "string"})
    values = fields.List(fields.Nested(ReportValueSchema))
    evidence_url = fields.Function(
        lambda r: r.evidence_url or None, allow_none=True, metadata={"type": "string"}
    )
    evidence_file = fields.Function(
        lambda r: f"/reports/{r.id}/evidence" if r.evidence_filename else None,
        allow_none=True,
        metadata={"type": "string"},
    )
    note = fields.String()
    evidence_level = Integer(allow_none=True)
    rejection_reason = fields.Function(
        lambda r: r.rejection_reason or None, allow_none=True, metadata={"type": "string"}
    )
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    events = fields.List(fields.Nested(ReportEventSchema))


class PublicReportSchema(Schema):
    """What everyone may see of an accepted report."""

    id = Integer()
    initiative_id = Integer()
    period = fields.Function(lambda r: r.period.value, metadata={"type": "string"})
    period_start = fields.Date()
    period_end = fields.Date()
    status = fields.Function(lambda r: r.status.value, metadata={"type": "string"})
    values = fields.List(fields.Nested(ReportValueSchema))
    evidence_level = Integer(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
