"""Rule (f): KMS's policy lockout safety check. PutKeyPolicy, and CreateKey with a Policy,
without BypassPolicyLockoutSafetyCheck fail unless the new policy lets the caller call
kms:PutKeyPolicy later — directly, or through the account-root statement and the caller's
IAM policies (KMS Developer Guide, "Default key policy" / PutKeyPolicy API reference)."""

from __future__ import annotations

from types import SimpleNamespace

from .. import resources as r
from ..authz.actions import KMS_KEY, Check, _kv_tags, resource_tags
from ..authz.decide import base_context, decide
from ..errors import AwsError
from ..policy.document import parse_policy
from ..request import AwsRequest
from ..runtime import Runtime

LOCKOUT = "The new key policy will not allow you to update the key policy in the future."


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "kms" or req.operation not in ("PutKeyPolicy", "CreateKey"):
        return
    policy = req.param("Policy")
    if not isinstance(policy, str) or not policy or req.param("BypassPolicyLockoutSafetyCheck"):
        return
    try:
        parse_policy(policy)
    except ValueError as error:
        raise AwsError("MalformedPolicyDocumentException", f"Policy is not valid JSON: {error}") from error
    # The later PutKeyPolicy is judged with the key's tags (aws:ResourceTag), as any call
    # on the key is: a policy may allow changing only keys with a given tag.
    if req.operation == "PutKeyPolicy":
        key = r.find_key(req.param("KeyId"), req.account, req.region)
        if key is None:
            return  # moto answers NotFoundException
        arn, account, tags = key.arn, key.account_id, r.key_tags(key)
    else:
        account = req.account
        arn = f"arn:aws:kms:{req.region}:{account}:key/00000000-0000-0000-0000-000000000000"
        tags = _kv_tags(req.param("Tags"), "TagKey", "TagValue")
    candidate = SimpleNamespace(policy=policy, account_id=account, arn=arn)
    check = Check(
        "kms:PutKeyPolicy",
        arn,
        resource_tags(tags),
        resource_policy=(KMS_KEY, candidate),
        owner=account,
    )
    context = {**base_context(req.caller, req.region, secure=not req.http), **check.context}
    if decide(req.caller, check, context, rt.state.effective_policy) is not None:
        raise AwsError("MalformedPolicyDocumentException", LOCKOUT)
