"""STS AssumeRole of a role that exists (the trust policy and the caller's sts:AssumeRole are
evaluated by the authorizer, authz/actions.py sts_checks):

- a role created, or whose trust policy changed, moments ago cannot be assumed yet (rule
  a's window): AccessDenied, as STS answers while IAM propagates;
- DurationSeconds longer than the role's MaxSessionDuration: ValidationError "The
  requested DurationSeconds exceeds the MaxSessionDuration set for this role." (STS API
  reference, AssumeRole).
"""

from __future__ import annotations

from .. import resources as r
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Runtime


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "sts" or req.operation != "AssumeRole":
        return
    role_arn = str(req.param("RoleArn") or "")
    parts = role_arn.split(":", 5)
    if len(parts) != 6:
        return
    role = r.find_role(parts[4], role_arn)
    if role is None:
        return
    if rt.state.role_assumable_remaining(parts[4], role.arn) > 0:
        raise AwsError(
            "AccessDenied",
            f"User: {req.caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn}",
            403,
        )
    duration = req.param("DurationSeconds")
    limit = int(getattr(role, "max_session_duration", 3600) or 3600)
    if duration is not None and int(duration) > limit:
        raise AwsError(
            "ValidationError",
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            400,
        )
