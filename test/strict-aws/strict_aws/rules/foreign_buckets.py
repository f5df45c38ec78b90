"""Rule (g): bucket names held by "another account" (configured through the control API).

S3 answers a request signed for another region with 301 PermanentRedirect and the
bucket's region in x-amz-bucket-region; in the bucket's own region, 403 AccessDenied (the
other account's bucket policy grants nothing); CreateBucket, 409 BucketAlreadyExists.
HEAD requests get the status and headers only.
"""

from __future__ import annotations

from ..authz.actions import checks_for
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Runtime


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "s3" or not req.bucket:
        return
    with rt.state.lock:
        region = rt.state.foreign_buckets.get(req.bucket)
    if region is None:
        return
    if req.operation == "CreateBucket":
        raise AwsError(
            "BucketAlreadyExists",
            "The requested bucket name is not available. The bucket namespace is shared by "
            "all users of the system. Please select a different name and try again.",
            409,
            extra={"BucketName": req.bucket},
        )
    if req.region != region:
        raise AwsError(
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified "
            "endpoint. Please send all future requests to this endpoint.",
            301,
            headers={"x-amz-bucket-region": region},
            extra={"Endpoint": f"{req.bucket}.s3.{region}.amazonaws.com", "Bucket": req.bucket},
        )
    checks = checks_for(req)
    action = checks[0].action if checks else "s3:ListBucket"
    resource = checks[0].resource if checks else f"arn:aws:s3:::{req.bucket}"
    raise AwsError(
        "AccessDenied",
        f'User: {req.caller.arn} is not authorized to perform: {action} on resource: "{resource}" '
        f"because no resource-based policy allows the {action} action",
        403,
        headers={"x-amz-bucket-region": region},
    )
