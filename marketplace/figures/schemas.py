"""The social-return document of the JSON API and the initiative page's chart."""

from decimal import Decimal

from marshmallow import Schema, fields

from marketplace.api.schemas import Integer
from marketplace.impact import sroi
from marketplace.impact.schemas import plain

PAYBACK_PLACES = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(sroi.round_money(value))


def _ratio(value: Decimal | None) -> str | None:
    return None if value is None else str(sroi.round_ratio(value))


def social_return_json(figures) -> dict:
    """The social-return document: every number a decimal string, null where undefined."""
    result = figures.result
    payback = result.payback_months
    return {
        "inputs": _money(figures.inputs),
        "inputs_platform": _money(figures.inputs_platform),
        "inputs_declared": _money(figures.inputs_declared),
        "inputs_volunteer": _money(figures.inputs_volunteer),
        "present_value": _money(result.present_value),
        "net_present_value": _money(result.net_present_value),
        "sroi_ratio": _ratio(result.sroi_ratio),
        "payback_months": None if payback is None else str(payback.quantize(PAYBACK_PLACES)),
        "discount_rate": str(result.discount_rate),
        "by_metric": [
            {
                "metric": m["metric"],
                "name": m["name"],
                "unit": m["unit"],
                "value_kind": m["value_kind"],
                "quantity": plain(m["quantity"]),
                "present_value": _money(m["present_value"]),
                "valued": m["valued"],
                "proxy_versions": m["proxy_versions"],
            }
            for m in figures.by_metric
        ],
        "by_value_kind": {
            kind: _money(result.by_value_kind.get(kind, Decimal(0))) for kind in sroi.VALUE_KINDS
        },
        "sensitivity": [
            {
                "parameter": case.parameter,
                "change": case.change,
                "sroi_ratio": _ratio(case.sroi_ratio),
                "present_value": _money(case.present_value),
            }
            for case in figures.sensitivity
        ],
        "unvalued_metrics": figures.unvalued_metrics,
        "evidence_levels": [
            {
                "report_id": level["report_id"],
                "period_start": level["period_start"].isoformat(),
                "period_end": level["period_end"].isoformat(),
                "evidence_level": level["evidence_level"],
            }
            for level in figures.evidence_levels
        ],
        "series": [
            {
                "month": point["month"].strftime("%Y-%m"),
                "inputs": _money(point["inputs"]),
                "social_value": _money(point["social_value"]),
                "sroi_ratio": _ratio(point["sroi_ratio"]),
            }
            for point in figures.series
        ],
    }


# The document's shape for the OpenAPI document (social_return_json builds it; every number is a
# decimal string, null where it is undefined).


class MetricValueSchema(Schema):
    metric = fields.String()
    name = fields.String()
    unit = fields.String()
    value_kind = fields.String()
    quantity = fields.String(allow_none=True)
    present_value = fields.String()
    valued = fields.Boolean()
    proxy_versions = fields.List(Integer(allow_none=True))


class SensitivitySchema(Schema):
    parameter = fields.String()
    change = fields.String(metadata={"example": "+10pp"})
    sroi_ratio = fields.String(allow_none=True)
    present_value = fields.String()


class EvidenceLevelSchema(Schema):
    report_id = Integer()
    period_start = fields.String(metadata={"format": "date"})
    period_end = fields.String(metadata={"format": "date"})
    evidence_level = Integer(allow_none=True)


class SocialReturnPointSchema(Schema):
    month = fields.String(metadata={"example": "2025-01"})
    inputs = fields.String()
    social_value = fields.String()
    sroi_ratio = fields.String(allow_none=True)


class SocialReturnSchema(Schema):
    inputs = fields.String()
    inputs_platform = fields.String()
    inputs_declared = fields.String()
    inputs_volunteer = fields.String(
        metadata={"description": "confirmed volunteer hours valued with the volunteer_hour proxy"}
    )
    present_value = fields.String()
    net_present_value = fields.String()
    sroi_ratio = fields.String(allow_none=True)
    payback_months = fields.String(allow_none=True)
    discount_rate = fields.String()
    by_metric = fields.List(fields.Nested(MetricValueSchema))
    by_value_kind = fields.Dict(keys=fields.String(), values=fields.String())
    sensitivity = fields.List(fields.Nested(SensitivitySchema))
    unvalued_metrics = fields.List(fields.String())
    evidence_levels = fields.List(fields.Nested(EvidenceLevelSchema))
    series = fields.List(fields.Nested(SocialReturnPointSchema))
