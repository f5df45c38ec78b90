"""Wildcard matching of actions, resources and ARNs, with policy variables."""

from __future__ import annotations

import re
from functools import lru_cache

_VARIABLE = re.compile(r"\$\{([^}]+)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


def substitute(pattern: str, context: dict[str, list[str]] | None) -> str:
    """Replaces ${key} policy variables from the request context (single-valued keys only).

    An unknown variable leaves a pattern that matches nothing, as IAM does.
    """
    if "${" not in pattern:
        return pattern

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SPECIAL:
            return "\0" + _SPECIAL[name]
        values = (context or {}).get(name.lower())
        if values and len(values) == 1:
            return values[0]
        return "\0\0unresolved\0\0"

    return _VARIABLE.sub(replace, pattern)


@lru_cache(maxsize=8192)
def _compile(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\0" and i + 1 < len(pattern) and pattern[i + 1] in "*?$":
            out.append(re.escape(pattern[i + 1]))  # a ${*} literal
            i += 2
            continue
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    if pattern == "*":
        return True
    if "*" not in pattern and "?" not in pattern and "\0" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return _compile(pattern, ignore_case).fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Actions are case-insensitive: `s3:get*` matches `s3:GetObject`."""
    return glob_match(pattern, action, ignore_case=True)


def resource_matches(pattern: str, resource: str, context: dict[str, list[str]] | None) -> bool:
    return glob_match(substitute(pattern, context), resource)


def arn_matches(pattern: str, arn: str) -> bool:
    """ArnLike: each of the six colon-separated parts matched on its own (a part's `*` does
    not cross a colon), as IAM's ARN operators do."""
    pattern_parts = pattern.split(":", 5)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return glob_match(pattern, arn)
    return all(glob_match(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))
