"""Policy documents parsed once into statements with every element normalised to lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


class MalformedPolicy(ValueError):
    """The document is not a policy (not JSON, no Statement, unknown Effect ...)."""


@dataclass(frozen=True)
class Condition:
    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    sid: str | None
    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    #: principal type ("AWS", "Service", "Federated", "CanonicalUser", "*") -> values
    principals: tuple[tuple[str, tuple[str, ...]], ...] | None
    not_principals: tuple[tuple[str, tuple[str, ...]], ...] | None
    conditions: tuple[Condition, ...]

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(_scalar(v) for v in value)
    return (_scalar(value),)


def _scalar(value: Any) -> str:
    # Policies carry booleans and numbers as JSON literals or strings; IAM compares text.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _principals(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    if value is None:
        return None
    if value == "*":
        return (("*", ("*",)),)
    if not isinstance(value, dict):
        raise MalformedPolicy('Principal must be "*" or an object')
    return tuple((kind, _strings(values)) for kind, values in value.items())


def _conditions(value: Any) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise MalformedPolicy("Condition must be an object")
    out: list[Condition] = []
    for operator, block in value.items():
        if not isinstance(block, dict):
            raise MalformedPolicy(f"Condition operator {operator} needs an object")
        for key, values in block.items():
            out.append(Condition(operator, key, _strings(values)))
    return tuple(out)


def _statement(raw: Any) -> Statement:
    if not isinstance(raw, dict):
        raise MalformedPolicy("each Statement must be an object")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise MalformedPolicy(f"Effect must be Allow or Deny, not {effect!r}")
    return Statement(
        sid=raw.get("Sid"),
        effect=effect,
        actions=_strings(raw["Action"]) if "Action" in raw else None,
        not_actions=_strings(raw["NotAction"]) if "NotAction" in raw else None,
        resources=_strings(raw["Resource"]) if "Resource" in raw else None,
        not_resources=_strings(raw["NotResource"]) if "NotResource" in raw else None,
        principals=_principals(raw.get("Principal")),
        not_principals=_principals(raw.get("NotPrincipal")),
        conditions=_conditions(raw.get("Condition")),
    )


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> tuple[Statement, ...]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise MalformedPolicy(f"not JSON: {error}") from error
    return _parse_object(document)


def _parse_object(document: Any) -> tuple[Statement, ...]:
    if not isinstance(document, dict) or "Statement" not in document:
        raise MalformedPolicy("a policy needs a Statement")
    raw = document["Statement"]
    items = raw if isinstance(raw, list) else [raw]
    return tuple(_statement(item) for item in items)


def parse_policy(document: str | dict[str, Any] | None) -> tuple[Statement, ...]:
    """Statements of a policy (a JSON text or an already-parsed object). None: no statements."""
    if document is None or document == "":
        return ()
    if isinstance(document, dict):
        return _parse_object(document)
    return _parse_text(document)
