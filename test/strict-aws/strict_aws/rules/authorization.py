"""Rules (d) and (h): every call evaluated against the caller's identity-based policies and
the resource's policy (bucket policy, key policy), with the actions its headers and body
imply. The local endpoint stands for HTTPS: aws:SecureTransport is true unless the request
carries `x-strict-aws-transport: http`."""

from __future__ import annotations

from ..authz.actions import checks_for
from ..authz.decide import access_denied, base_context, decide
from ..request import AwsRequest
from ..runtime import Runtime


def before(req: AwsRequest, rt: Runtime) -> None:
    checks = checks_for(req)
    if not checks:
        return
    caller = req.caller
    base = base_context(caller, req.region, secure=not req.http)
    for check in checks:
        if caller.is_admin and check.resource_policy is None:
            continue  # an administrator needs nothing more than its identity
        context = {**base, **check.context}
        reason = decide(caller, check, context, rt.state.effective_policy)
        if reason is not None:
            raise access_denied(req.iam_prefix or "", caller, check, reason)
