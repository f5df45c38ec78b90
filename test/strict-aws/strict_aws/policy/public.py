"""Whether S3 deems a bucket policy public (Block Public Access).

S3 User Guide, "Blocking public access to your Amazon S3 storage", section "The meaning
of 'public'" (also quoted in the API reference of PublicAccessBlockConfiguration): a
policy is public unless each statement that allows a wildcard principal is limited by a
fixed value of aws:SourceIp (a CIDR narrower than /8 for IPv4 here), aws:SourceArn,
aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:PrincipalOrgID,
s3:x-amz-server-side-encryption-aws-kms-key-id, or aws:userid outside "AROLEID:*".
Deny statements never make a policy public.
"""

from __future__ import annotations

import ipaddress

from .document import Statement

_FIXING_KEYS = {
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "aws:principalorgid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
}
_EQUALITY = {"stringequals", "stringequalsignorecase", "arnequals", "stringlike", "arnlike"}


def _fixed(value: str) -> bool:
    return "*" not in value and "?" not in value and value != ""


def _wildcard_principal(statement: Statement) -> bool:
    if statement.not_principals is not None:
        return True
    for kind, values in statement.principals or ():
        if kind == "*":
            return True
        if kind == "AWS" and any(v == "*" or "*" in v for v in values):
            return True
    return False


def _restricting(statement: Statement) -> bool:
    for condition in statement.conditions:
        operator = condition.operator.lower()
        if operator.startswith(("foranyvalue:", "forallvalues:")) or operator.endswith("ifexists"):
            continue
        key = condition.key.lower()
        values = condition.values
        if operator in _EQUALITY and key in _FIXING_KEYS and values and all(map(_fixed, values)):
            return True
        if (
            operator in _EQUALITY
            and key == "aws:userid"
            and values
            and all(_fixed(v) or not v.endswith(":*") for v in values)
        ):
            return True
        if operator == "ipaddress" and key == "aws:sourceip":
            try:
                if condition.values and all(
                    ipaddress.ip_network(v, strict=False).prefixlen >= 8 for v in condition.values
                ):
                    return True
            except ValueError:
                continue
    return False


def public_statements(statements: tuple[Statement, ...]) -> list[Statement]:
    """The statements that make the policy public (empty: not public)."""
    return [s for s in statements if s.is_allow and _wildcard_principal(s) and not _restricting(s)]


def is_public(statements: tuple[Statement, ...]) -> bool:
    return bool(public_statements(statements))
