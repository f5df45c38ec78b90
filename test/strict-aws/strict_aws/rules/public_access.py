"""Rule (k): Block Public Access. With BlockPublicPolicy on, S3 refuses a PutBucketPolicy
whose policy it deems public (policy/public.py) with 403 AccessDenied.
(RestrictPublicBuckets is applied by the authorizer: public statements grant nothing to
other accounts.)"""

from __future__ import annotations

from .. import resources as r
from ..errors import AwsError
from ..policy.document import parse_policy
from ..policy.public import is_public
from ..request import AwsRequest
from ..runtime import Runtime


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "s3" or req.operation != "PutBucketPolicy":
        return
    bucket = r.find_bucket(req.bucket)
    block = r.public_access_block(bucket) if bucket is not None else None
    if block is None or not block.block_public_policy:
        return
    policy = req.param("Policy")
    if isinstance(policy, bytes):
        policy = policy.decode()
    try:
        public = is_public(parse_policy(policy))
    except ValueError:
        return
    if public:
        raise AwsError(
            "AccessDenied",
            f"User: {req.caller.arn} is not authorized to perform: s3:PutBucketPolicy on "
            f'resource: "{r.bucket_arn(bucket.name)}" because public policies are blocked by '
            "the BlockPublicPolicy block public access setting.",
            403,
        )
