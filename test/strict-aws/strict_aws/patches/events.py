"""moto's EventBridge, corrected: a rule delivers through the strict layer's delivery
(events/delivery.py), which skips rules that are not ENABLED (moto delivers for DISABLED
rules too), enforces the SQS queue policy and the queue's KMS key policy for
events.amazonaws.com, delivers to queues of other accounts by their ARN (moto looks the
queue up in the rule's account), and sends failures to the target's dead-letter queue.
Events put through the API (PutEvents) take the same path as CloudTrail's.

Patterns match fields of objects inside arrays (`"detail": {"resources": {"ARN": [...]}}`
matches a CloudTrail record whose resources list holds that ARN), as EventBridge does;
moto stops flattening the event at arrays."""

from __future__ import annotations

from typing import Any

from moto.events import models as events_models

original_send_to_targets = events_models.Rule.send_to_targets


def _send_to_targets(self: Any, event: dict[str, Any], transform_input: bool = True) -> None:
    from ..events.bus import _moto_send
    from ..events.cloudtrail import iso
    from ..events.delivery import deliver

    event = dict(event)
    if isinstance(event.get("time"), (int, float)):
        # moto keeps the time as a number; EventBridge delivers ISO 8601.
        event["time"] = iso(float(event["time"]))
    deliver(self, event, _moto_send)


def _flatten(node: Any, prefix: str = "", result: dict[str, Any] | None = None) -> dict[str, Any]:
    """Leaf paths of an event -> value; a path through an array of objects collects the
    values of every element (a list, matched if any element matches)."""
    if result is None:
        result = {}
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and value:
                _flatten(value, path, result)
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                collected: dict[str, Any] = {}
                for element in value:
                    for leaf, leaf_value in _flatten(element, path).items():
                        values = leaf_value if isinstance(leaf_value, list) else [leaf_value]
                        collected.setdefault(leaf, []).extend(values)
                result.update(collected)
            else:
                result[path] = value
    return result


def apply() -> None:
    events_models.Rule.send_to_targets = _send_to_targets
    events_models.EventPattern._flatten_dict = staticmethod(_flatten)
