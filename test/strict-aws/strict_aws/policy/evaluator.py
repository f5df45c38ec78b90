"""The decision one policy (identity-based or resource-based) makes about one request.

An explicit Deny in any matching statement wins; otherwise an Allow; otherwise nothing
(an implicit deny, which other policies may still overturn). For resource-based policies
the statement must also name the caller in Principal: directly (its role, session or user
ARN), publicly ("*"), or through its account (`arn:aws:iam::<account>:root` or the bare
account id), which hands the decision to that account's IAM policies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .conditions import conditions_hold
from .document import Statement
from .matching import action_matches, resource_matches

ALLOW = "Allow"
DENY = "Deny"

#: How a resource policy named the caller.
VIA_PRINCIPAL = "principal"
VIA_PUBLIC = "public"
VIA_ACCOUNT = "account"
_VIA_RANK = {VIA_PRINCIPAL: 3, VIA_PUBLIC: 2, VIA_ACCOUNT: 1}


@dataclass(frozen=True)
class Principal:
    """Who asks, as a resource policy sees it."""

    account: str
    #: ARNs naming this principal: a role ARN and its session ARN, or a user ARN.
    arns: tuple[str, ...] = ()
    #: A service principal (cloudtrail.amazonaws.com) when a service asks.
    service: str | None = None


@dataclass(frozen=True)
class Decision:
    effect: str | None = None
    via: str | None = None
    sids: tuple[str | None, ...] = field(default_factory=tuple)

    @property
    def allowed(self) -> bool:
        return self.effect == ALLOW

    @property
    def denied(self) -> bool:
        return self.effect == DENY


def _account_root(value: str) -> str | None:
    if value.isdigit() and len(value) == 12:
        return value
    if value.startswith("arn:") and value.endswith(":root"):
        parts = value.split(":")
        if len(parts) == 6 and parts[2] == "iam":
            return parts[4]
    return None


def principal_match(principals: tuple[tuple[str, tuple[str, ...]], ...], who: Principal) -> str | None:
    """How the Principal element names `who`, or None."""
    best: str | None = None
    for kind, values in principals:
        for value in values:
            via: str | None = None
            if kind == "*" or (kind == "AWS" and value == "*"):
                via = VIA_PUBLIC
            elif kind == "AWS":
                if value in who.arns:
                    via = VIA_PRINCIPAL
                elif _account_root(value) == who.account and who.service is None:
                    via = VIA_ACCOUNT
            elif kind == "Service" and who.service is not None and value == who.service:
                via = VIA_PRINCIPAL
            if via and (best is None or _VIA_RANK[via] > _VIA_RANK[best]):
                best = via
    return best


def _applies(
    statement: Statement,
    action: str,
    resource: str,
    context: dict[str, list[str]],
) -> bool:
    if statement.actions is not None:
        if not any(action_matches(a, action) for a in statement.actions):
            return False
    elif statement.not_actions is not None:
        if any(action_matches(a, action) for a in statement.not_actions):
            return False
    else:
        return False
    if statement.resources is not None and not any(
        resource_matches(r, resource, context) for r in statement.resources
    ):
        return False
    if statement.not_resources is not None and any(
        resource_matches(r, resource, context) for r in statement.not_resources
    ):
        return False
    # A resource-based policy may omit Resource (it means the resource itself).
    return conditions_hold(statement.conditions, context)


def evaluate(
    statements: tuple[Statement, ...],
    action: str,
    resource: str,
    context: dict[str, list[str]],
    principal: Principal | None = None,
) -> Decision:
    """One policy's decision. `principal` given: a resource policy (Principal must match)."""
    allow_via: str | None = None
    allow_sids: list[str | None] = []
    deny_sids: list[str | None] = []
    for statement in statements:
        via: str | None = None
        if principal is not None:
            if statement.principals is not None:
                via = principal_match(statement.principals, principal)
                if via is None:
                    continue
            elif statement.not_principals is not None:
                if principal_match(statement.not_principals, principal) is not None:
                    continue
                via = VIA_PUBLIC
            else:
                continue
        if not _applies(statement, action, resource, context):
            continue
        if statement.is_allow:
            allow_sids.append(statement.sid)
            if via and (allow_via is None or _VIA_RANK[via] > _VIA_RANK[allow_via]):
                allow_via = via
        else:
            deny_sids.append(statement.sid)
    if deny_sids:
        return Decision(DENY, None, tuple(deny_sids))
    if allow_sids:
        return Decision(ALLOW, allow_via, tuple(allow_sids))
    return Decision()


def evaluate_all(
    policies: list[tuple[Statement, ...]],
    action: str,
    resource: str,
    context: dict[str, list[str]],
) -> Decision:
    """Identity-based policies together: any explicit Deny wins, then any Allow."""
    allow: Decision | None = None
    for statements in policies:
        decision = evaluate(statements, action, resource, context)
        if decision.denied:
            return decision
        if decision.allowed and allow is None:
            allow = decision
    return allow or Decision()
