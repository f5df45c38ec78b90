"""IAM condition operators.

The request context maps lower-cased condition keys to lists of strings (one value for a
single-valued key). Semantics follow the IAM User Guide, "IAM JSON policy elements:
Condition operators" and "Multivalued context keys":
- several values for one key in the policy: any of them may match (OR);
- a key absent from the request: a positive operator is false, a negated one
  (StringNotEquals, ArnNotLike, NotIpAddress, ...) is true; `...IfExists` is true;
- ForAnyValue: true when at least one request value matches (absent key: false);
  ForAllValues: true when every request value matches (absent or empty key: true).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from datetime import UTC, datetime

from .document import Condition
from .matching import arn_matches, glob_match, substitute


class UnknownOperator(ValueError):
    pass


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _date(text: str) -> datetime | None:
    value = text.strip()
    try:
        if value.isdigit():
            return datetime.fromtimestamp(int(value), UTC)
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[str, str], bool]:
    def match(policy: str, actual: str) -> bool:
        p, a = _number(policy), _number(actual)
        return p is not None and a is not None and compare(a, p)

    return match


def _dated(compare: Callable[[datetime, datetime], bool]) -> Callable[[str, str], bool]:
    def match(policy: str, actual: str) -> bool:
        p, a = _date(policy), _date(actual)
        return p is not None and a is not None and compare(a, p)

    return match


def _ip(policy: str, actual: str) -> bool:
    try:
        network = ipaddress.ip_network(policy, strict=False)
        return ipaddress.ip_address(actual) in network
    except ValueError:
        return False


# Base operator -> (value matcher(policy_value, request_value), negated)
_BASE: dict[str, tuple[Callable[[str, str], bool], bool]] = {
    "stringequals": (lambda p, a: p == a, False),
    "stringnotequals": (lambda p, a: p == a, True),
    "stringequalsignorecase": (lambda p, a: p.lower() == a.lower(), False),
    "stringnotequalsignorecase": (lambda p, a: p.lower() == a.lower(), True),
    "stringlike": (lambda p, a: glob_match(p, a), False),
    "stringnotlike": (lambda p, a: glob_match(p, a), True),
    "numericequals": (_numeric(lambda a, p: a == p), False),
    "numericnotequals": (_numeric(lambda a, p: a == p), True),
    "numericlessthan": (_numeric(lambda a, p: a < p), False),
    "numericlessthanequals": (_numeric(lambda a, p: a <= p), False),
    "numericgreaterthan": (_numeric(lambda a, p: a > p), False),
    "numericgreaterthanequals": (_numeric(lambda a, p: a >= p), False),
    "dateequals": (_dated(lambda a, p: a == p), False),
    "datenotequals": (_dated(lambda a, p: a == p), True),
    "datelessthan": (_dated(lambda a, p: a < p), False),
    "datelessthanequals": (_dated(lambda a, p: a <= p), False),
    "dategreaterthan": (_dated(lambda a, p: a > p), False),
    "dategreaterthanequals": (_dated(lambda a, p: a >= p), False),
    "bool": (lambda p, a: p.lower() == a.lower(), False),
    "binaryequals": (lambda p, a: p == a, False),
    "ipaddress": (_ip, False),
    "notipaddress": (_ip, True),
    "arnequals": (lambda p, a: arn_matches(p, a), False),
    "arnlike": (lambda p, a: arn_matches(p, a), False),
    "arnnotequals": (lambda p, a: arn_matches(p, a), True),
    "arnnotlike": (lambda p, a: arn_matches(p, a), True),
}


def condition_holds(condition: Condition, context: dict[str, list[str]]) -> bool:
    operator = condition.operator
    qualifier = ""
    if ":" in operator:
        qualifier, operator = operator.split(":", 1)
        qualifier = qualifier.lower()
        if qualifier not in ("foranyvalue", "forallvalues"):
            raise UnknownOperator(condition.operator)
    name = operator.lower()
    if_exists = name.endswith("ifexists")
    if if_exists:
        name = name[: -len("ifexists")]
    actual = context.get(condition.key.lower())

    if name == "null":
        absent = not actual
        return any((v.lower() == "true") == absent for v in condition.values)

    entry = _BASE.get(name)
    if entry is None:
        raise UnknownOperator(condition.operator)
    matcher, negated = entry
    policy_values = [substitute(v, context) for v in condition.values]

    def value_matches(value: str) -> bool:
        hit = any(matcher(p, value) for p in policy_values)
        return not hit if negated else hit

    if not actual:
        if if_exists:
            return True
        if qualifier == "forallvalues":
            return True
        if qualifier == "foranyvalue":
            return False
        return negated
    if qualifier == "forallvalues":
        return all(value_matches(v) for v in actual)
    if negated and not qualifier:
        # StringNotEquals on a multi-valued key: none of the request values may match.
        return all(value_matches(v) for v in actual)
    return any(value_matches(v) for v in actual)


def conditions_hold(conditions: tuple[Condition, ...], context: dict[str, list[str]]) -> bool:
    """All of a statement's conditions (AND across operators and keys)."""
    return all(condition_holds(c, context) for c in conditions)
