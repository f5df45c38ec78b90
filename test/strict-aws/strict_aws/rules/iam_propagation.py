"""Rule (a): IAM changes take a while to reach the services that read them.

For a window (default 3 s) after CreateRole, a role is not a valid principal in KMS key
policies (MalformedPolicyDocumentException) or S3 bucket policies (MalformedPolicy), and
no service can assume it (Glue CreateCrawler: InvalidInputException; job runs and S3
replication fail). The same holds after UpdateAssumeRolePolicy for assuming it. A role
that does not exist at all is always an invalid principal. A new inline policy takes
effect after the window: until then the previous version (or none) is evaluated
(state.effective_policy, used by the authorizer).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from .. import resources as r
from ..errors import AwsError
from ..policy.document import parse_policy
from ..policy.evaluator import Principal, evaluate
from ..request import AwsRequest
from ..runtime import Response, Runtime

KMS_INVALID_PRINCIPAL = "Policy contains a statement with one or more invalid principals."
S3_INVALID_PRINCIPAL = "Invalid principal in policy"
GLUE_CANNOT_ASSUME = "Service is unable to assume provided role. Please verify role's TrustPolicy"


def _aws_principals(text: str) -> list[str]:
    out: list[str] = []
    for statement in parse_policy(text):
        for principals in (statement.principals, statement.not_principals):
            for kind, values in principals or ():
                if kind == "AWS":
                    out.extend(values)
    return out


def invalid_principals(rt: Runtime, text: str) -> list[str]:
    """AWS principals IAM cannot resolve yet: roles or users that do not exist, and roles
    still inside their propagation window."""
    bad: list[str] = []
    for value in _aws_principals(text):
        if value == "*" or value.isdigit() or value.endswith(":root") or "*" in value:
            continue
        parts = value.split(":", 5)
        if len(parts) != 6 or parts[2] != "iam":
            continue
        account, resource = parts[4], parts[5]
        if resource.startswith("role/"):
            role = r.find_role(account, value)
            if role is None or rt.state.role_created_remaining(account, value) > 0:
                bad.append(value)
        elif resource.startswith("user/"):
            users = r.iam_backend(account).users.values()
            if not any(u.arn == value for u in users):
                bad.append(value)
    return bad


def unassumable(
    rt: Runtime,
    account: str,
    role_ref: str | None,
    service: str,
    context: dict[str, list[str]] | None = None,
) -> str | None:
    """Why `service` cannot assume the role now, or None when it can."""
    if not role_ref:
        return "no role given"
    role = r.find_role(account, role_ref)
    if role is None:
        return f"role {role_ref} does not exist"
    trust = role.assume_role_policy_document
    if isinstance(trust, str) and trust.lstrip().startswith("%7B"):
        trust = unquote(trust)
    try:
        statements = parse_policy(trust)
    except ValueError:
        statements = ()
    ctx = {"aws:sourceaccount": [account], **(context or {})}
    decision = evaluate(
        statements,
        "sts:AssumeRole",
        role.arn,
        ctx,
        Principal(account=account, service=service),
    )
    if not decision.allowed:
        return f"the trust policy of role {role.arn} does not let {service} assume it"
    remaining = rt.state.role_assumable_remaining(account, role.arn)
    if remaining > 0:
        return (
            f"role {role.arn} was created or its trust policy changed moments ago; "
            f"IAM has not propagated it yet ({remaining:.1f} s left)"
        )
    return None


def before(req: AwsRequest, rt: Runtime) -> None:
    op = req.operation
    if req.iam_prefix == "kms" and op in ("PutKeyPolicy", "CreateKey"):
        policy = req.param("Policy")
        if isinstance(policy, str) and policy:
            try:
                bad = invalid_principals(rt, policy)
            except ValueError:
                return
            if bad:
                raise AwsError("MalformedPolicyDocumentException", KMS_INVALID_PRINCIPAL)
    elif req.iam_prefix == "s3" and op == "PutBucketPolicy":
        policy = req.param("Policy")
        if isinstance(policy, bytes):
            policy = policy.decode()
        if isinstance(policy, str) and policy:
            try:
                bad = invalid_principals(rt, policy)
            except ValueError:
                return
            if bad:
                raise AwsError("MalformedPolicy", S3_INVALID_PRINCIPAL, 400)
    elif req.iam_prefix == "glue" and op in ("CreateCrawler", "UpdateCrawler"):
        role = req.param("Role")
        if role and unassumable(rt, req.account, role, "glue.amazonaws.com"):
            raise AwsError("InvalidInputException", GLUE_CANNOT_ASSUME)
    elif req.iam_prefix == "iam" and op in (
        "PutRolePolicy",
        "DeleteRolePolicy",
        "PutUserPolicy",
        "DeleteUserPolicy",
    ):
        req.environ["strict_aws.previous_policy"] = _current_inline(req)


def _current_inline(req: AwsRequest) -> str | None:
    backend = r.iam_backend(req.account)
    name = req.param("PolicyName")
    try:
        if req.param("RoleName"):
            role = backend.get_role(req.param("RoleName"))
            return role.policies.get(name)
        user = backend.get_user(req.param("UserName"))
        return user.policies.get(name)
    except Exception:  # noqa: BLE001 - no such role or user: moto will say so
        return None


def after(req: AwsRequest, response: Response, rt: Runtime) -> None:
    if req.iam_prefix != "iam":
        return
    op = req.operation
    account = req.account
    if op == "CreateRole":
        role = r.find_role(account, req.param("RoleName"))
        if role is not None:
            rt.state.record_role_created(account, role.arn)
    elif op == "UpdateAssumeRolePolicy":
        role = r.find_role(account, req.param("RoleName"))
        if role is not None:
            rt.state.record_role_trust_changed(account, role.arn)
    elif op == "DeleteRole":
        rt.state.forget_role(account, req.param("RoleName"))
    elif op in ("PutRolePolicy", "DeleteRolePolicy", "PutUserPolicy", "DeleteUserPolicy"):
        kind = "role" if op.endswith("RolePolicy") else "user"
        name = req.param("RoleName") if kind == "role" else req.param("UserName")
        document: Any = req.param("PolicyDocument") if op.startswith("Put") else None
        rt.state.record_policy_change(
            account,
            (kind, name, req.param("PolicyName")),
            req.environ.get("strict_aws.previous_policy"),
            document,
        )
