"""Whether a logging trail records an event, so CloudTrail hands it to EventBridge
(EventBridge User Guide: "To record events with a detail-type value of AWS API Call via
CloudTrail, a CloudTrail trail with logging enabled is required").

A trail records an event of its account when it is logging, covers the event's region (a
multi-region trail every region, otherwise its home region; events of global services
such as IAM are recorded in us-east-1, and only by trails that include global service
events), and its selectors select it:
- basic event selectors: management events unless IncludeManagementEvents is false
  (ReadWriteType All / WriteOnly / ReadOnly; ExcludeManagementEventSources), S3 data
  events for the object ARNs listed in DataResources (`arn:aws:s3` is every bucket);
- advanced event selectors: any selector whose field selectors all match (eventCategory,
  readOnly, eventSource, eventName, resources.type, resources.ARN with Equals,
  NotEquals, StartsWith, NotStartsWith, EndsWith, NotEndsWith);
- no selectors at all: every management event (CloudTrail's default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Call:
    """What a selector looks at."""

    category: str  # Management | Data
    read_only: bool
    event_source: str
    event_name: str
    region: str
    global_service: bool
    #: (resources.type, ARN) of the data resource (S3 objects): AWS::S3::Object.
    resource_type: str | None = None
    resource_arn: str | None = None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _flag(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def _read_write_ok(kind: str | None, read_only: bool) -> bool:
    kind = kind or "All"
    return kind == "All" or (kind == "ReadOnly") == read_only


def basic_selects(selectors: list[dict[str, Any]], call: Call) -> bool:
    for selector in selectors:
        if not _read_write_ok(selector.get("ReadWriteType"), call.read_only):
            continue
        if call.category == "Management":
            if not _flag(selector.get("IncludeManagementEvents"), True):
                continue
            if call.event_source in _as_list(selector.get("ExcludeManagementEventSources")):
                continue
            return True
        for resource in _as_list(selector.get("DataResources")):
            if resource.get("Type") != call.resource_type or not call.resource_arn:
                continue
            for value in _as_list(resource.get("Values")):
                if value in ("arn:aws:s3", "arn:aws:s3:::") or call.resource_arn.startswith(value):
                    return True
    return False


def _field_value(call: Call, field: str) -> str | None:
    return {
        "eventCategory": call.category,
        "readOnly": "true" if call.read_only else "false",
        "eventSource": call.event_source,
        "eventName": call.event_name,
        "resources.type": call.resource_type,
        "resources.ARN": call.resource_arn,
    }.get(field)


def _field_matches(field_selector: dict[str, Any], call: Call) -> bool:
    value = _field_value(call, field_selector.get("Field") or "")
    if value is None:
        return False
    checks = {
        "Equals": lambda v: value == v,
        "NotEquals": lambda v: value != v,
        "StartsWith": lambda v: value.startswith(v),
        "NotStartsWith": lambda v: not value.startswith(v),
        "EndsWith": lambda v: value.endswith(v),
        "NotEndsWith": lambda v: not value.endswith(v),
    }
    for operator, test in checks.items():
        values = _as_list(field_selector.get(operator))
        if not values:
            continue
        positive = not operator.startswith("Not")
        hits = [test(v) for v in values]
        if positive and not any(hits):
            return False
        if not positive and not all(hits):
            return False
    return True


def advanced_selects(selectors: list[dict[str, Any]], call: Call) -> bool:
    return any(
        all(_field_matches(fs, call) for fs in _as_list(selector.get("FieldSelectors")))
        for selector in selectors
    )


def trail_records(trail: Any, call: Call) -> bool:
    if not trail.status.is_logging:
        return False
    if call.global_service:
        if not _flag(getattr(trail, "include_global_service_events", True), True):
            return False
        if not trail.is_multi_region and trail.region_name != "us-east-1":
            return False
    elif not trail.is_multi_region and trail.region_name != call.region:
        return False
    advanced = getattr(trail, "advanced_event_selectors", None) or []
    if advanced:
        return advanced_selects(advanced, call)
    basic = getattr(trail, "event_selectors", None) or []
    if basic:
        return basic_selects(basic, call)
    return call.category == "Management"


def logging_trails(account: str) -> list[Any]:
    """The account's trails that are logging (no backend is created to find out)."""
    from moto.cloudtrail.models import cloudtrail_backends

    per_account = dict.get(cloudtrail_backends, account)
    if not per_account:
        return []
    out = []
    for backend in list(dict.values(per_account)):
        out.extend(t for t in list(backend.trails.values()) if t.status.is_logging)
    return out


def recorded(account: str, call: Call) -> bool:
    return any(trail_records(t, call) for t in logging_trails(account))
