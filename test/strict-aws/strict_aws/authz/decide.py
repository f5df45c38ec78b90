"""Identity-based and resource-based policies combined as each service combines them.

- Any explicit Deny (identity or resource policy) wins.
- S3 (User Guide, "How Amazon S3 authorizes a request"): within the bucket owner's
  account, an Allow in the identity policies OR a bucket-policy statement naming the
  caller; across accounts, the bucket policy must allow (the caller or its account) AND
  the caller's identity policies must allow.
- KMS (Developer Guide, "Key policies") and role trust policies (IAM User Guide, "Cross-
  account policy evaluation logic"): the resource policy is the root of trust; it allows
  the caller directly, or it allows the caller's account root, in which case the caller's
  identity policies must allow too. Across accounts, the caller's identity policies must
  allow in every case ("Allowing users in other accounts to use a KMS key").
- SQS queue policies combine like bucket policies (same account: either; across: both).
- Everything else: identity policies only.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from .. import resources as r
from ..errors import AwsError
from ..identity import ADMIN, ROLE, SERVICE, USER, Caller, identity_policies
from ..policy.document import parse_policy
from ..policy.evaluator import (
    VIA_ACCOUNT,
    VIA_PRINCIPAL,
    VIA_PUBLIC,
    Decision,
    evaluate,
    evaluate_all,
)
from ..policy.public import public_statements
from .actions import KMS_KEY, ROLE_TRUST, S3_BUCKET, SQS_QUEUE, Check

NO_IDENTITY = "no-identity"
IDENTITY_DENY = "identity-deny"
RESOURCE_DENY = "resource-deny"
NO_RESOURCE = "no-resource"

#: Service prefix -> (error code, HTTP status) of an authorization failure.
DENIED_SHAPE = {
    "s3": ("AccessDenied", 403),
    "kms": ("AccessDeniedException", 400),
    "glue": ("AccessDeniedException", 400),
    "cloudtrail": ("AccessDeniedException", 400),
    "iam": ("AccessDenied", 403),
    "sts": ("AccessDenied", 403),
    "sns": ("AuthorizationError", 403),
    "cloudwatch": ("AccessDenied", 403),
    "sqs": ("AccessDenied", 403),
    "events": ("AccessDeniedException", 400),
}

#: Resource policies that are the root of trust (the caller must be named, directly or
#: through its account), and those that only add to identity policies.
_ROOT_OF_TRUST = (KMS_KEY, ROLE_TRUST)
_ADDITIVE = (S3_BUCKET, SQS_QUEUE)

_PRINCIPAL_TYPE = {ADMIN: "Account", ROLE: "AssumedRole", USER: "User", SERVICE: "Service"}


def base_context(caller: Caller, region: str, secure: bool) -> dict[str, list[str]]:
    t = time.time()
    ctx = {
        "aws:securetransport": ["true" if secure else "false"],
        "aws:principalarn": [caller.principal_arn],
        "aws:principalaccount": [caller.account],
        "aws:principaltype": [_PRINCIPAL_TYPE[caller.kind]],
        "aws:userid": [caller.userid],
        "aws:sourceip": ["127.0.0.1"],
        "aws:requestedregion": [region],
        "aws:currenttime": [datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")],
        "aws:epochtime": [str(int(t))],
        "aws:viaawsservice": ["false"],
    }
    if caller.kind == USER and caller.name:
        ctx["aws:username"] = [caller.name]
    if caller.kind == SERVICE:
        ctx.pop("aws:principalarn")
        ctx["aws:principalservicename"] = [caller.service or ""]
    return ctx


def identity_decision(
    caller: Caller, check: Check, context: dict[str, list[str]], effective: Any
) -> Decision:
    if caller.kind in (ADMIN, SERVICE):
        return Decision("Allow")
    policies = identity_policies(caller, effective)
    return evaluate_all(policies, check.action, check.resource, context)


def resource_decision(
    caller: Caller, check: Check, context: dict[str, list[str]]
) -> tuple[Decision, str | None, bool]:
    """(the resource policy's decision, the owner account, whether a resource policy applies)."""
    if check.resource_policy is None:
        return Decision(), None, False
    kind, target = check.resource_policy
    if kind == S3_BUCKET:
        bucket = r.find_bucket(target)
        if bucket is None:
            return Decision(), None, True
        text = r.bucket_policy_text(bucket)
        statements = _statements(text)
        block = r.public_access_block(bucket)
        restricted = block is not None and block.restrict_public_buckets
        # RestrictPublicBuckets: public statements grant only within the owner account and
        # to AWS services.
        if statements and restricted and caller.account != bucket.account_id and caller.kind != SERVICE:
            public = set(map(id, public_statements(statements)))
            statements = tuple(s for s in statements if id(s) not in public)
        decision = evaluate(statements, check.action, check.resource, context, caller.principal)
        return decision, bucket.account_id, True
    if kind == SQS_QUEUE:
        queue = target
        decision = evaluate(
            _statements(queue.policy), check.action, check.resource, context, caller.principal
        )
        return decision, check.owner, True
    if kind == ROLE_TRUST:
        role = target
        decision = evaluate(
            _statements(_decoded(role.assume_role_policy_document)),
            check.action,
            check.resource,
            context,
            caller.principal,
        )
        return decision, role.account_id, True
    key = target
    decision = evaluate(_statements(key.policy), check.action, check.resource, context, caller.principal)
    return decision, key.account_id, True


def _decoded(document: Any) -> str | None:
    # IAM keeps trust policies as sent; the query protocol may have left them URL-encoded.
    if isinstance(document, str) and document.lstrip()[:3].upper() == "%7B":
        from urllib.parse import unquote

        return unquote(document)
    return document


def _statements(text: str | None) -> tuple:
    try:
        return parse_policy(text)
    except ValueError:
        return ()


def decide(caller: Caller, check: Check, context: dict[str, list[str]], effective: Any) -> str | None:
    """None when allowed; otherwise why not (NO_IDENTITY, IDENTITY_DENY, ...)."""
    identity = identity_decision(caller, check, context, effective)
    if identity.denied:
        return IDENTITY_DENY
    resource, owner, has_policy = resource_decision(caller, check, context)
    if resource.denied:
        return RESOURCE_DENY
    direct = resource.allowed and resource.via in (VIA_PRINCIPAL, VIA_PUBLIC)
    if caller.kind == SERVICE:
        return None if direct else NO_RESOURCE
    kind = check.resource_policy[0] if check.resource_policy else None
    if kind in _ROOT_OF_TRUST:
        cross_account = owner is not None and owner != caller.account
        if direct:
            return None if identity.allowed or not cross_account else NO_IDENTITY
        if resource.allowed and resource.via == VIA_ACCOUNT:
            return None if identity.allowed else NO_IDENTITY
        return NO_RESOURCE
    if kind in _ADDITIVE and has_policy:
        same_account = owner is None or owner == caller.account
        if same_account:
            return None if identity.allowed or direct else NO_IDENTITY
        if not resource.allowed:
            return NO_RESOURCE
        return None if identity.allowed else NO_IDENTITY
    return None if identity.allowed else NO_IDENTITY


def denial_message(caller: Caller, check: Check, reason: str, quote: bool) -> str:
    resource = f'"{check.resource}"' if quote else check.resource
    head = f"User: {caller.arn} is not authorized to perform: {check.action} on resource: {resource}"
    if check.action.startswith("sts:"):
        # STS names no policy in its AccessDenied (trust and identity are decided together).
        return head
    if reason == IDENTITY_DENY:
        return f"{head} with an explicit deny in an identity-based policy"
    if reason == RESOURCE_DENY:
        return f"{head} with an explicit deny in a resource-based policy"
    if reason == NO_RESOURCE:
        return f"{head} because no resource-based policy allows the {check.action} action"
    return f"{head} because no identity-based policy allows the {check.action} action"


def access_denied(service: str, caller: Caller, check: Check, reason: str) -> AwsError:
    if check.denied_code:
        # Another service refused on the caller's behalf (SQS calling KMS): SQS answers with
        # KMS's error, as the AWS SDKs surface it from the Java KMS client's text.
        message = (
            f"{denial_message(caller, check, reason, quote=False)} (Service: AWSKMS; Status Code: 400; "
            f"Error Code: AccessDeniedException; Request ID: {uuid.uuid4()}; Proxy: null)"
        )
        return AwsError(check.denied_code, message, 400, json_type=check.denied_type)
    code, status = DENIED_SHAPE.get(service, ("AccessDeniedException", 400))
    return AwsError(code, denial_message(caller, check, reason, quote=service == "s3"), status)
