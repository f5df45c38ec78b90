"""Rule (e): CloudTrail's checks of the log bucket, the key and the trails quota.

CreateTrail / UpdateTrail (CloudTrail User Guide, "Amazon S3 bucket policy for
CloudTrail" and "Configure AWS KMS key policies for CloudTrail"):
- the bucket policy must let cloudtrail.amazonaws.com s3:GetBucketAcl the bucket and
  s3:PutObject `<bucket>/[<prefix>/]AWSLogs/<account>/*`, evaluated with the conditions
  CloudTrail's requests carry (aws:SourceArn = the trail, aws:SourceAccount,
  s3:x-amz-acl = bucket-owner-full-control) -> InsufficientS3BucketPolicyException;
- with KmsKeyId, the key policy must let cloudtrail.amazonaws.com kms:GenerateDataKey*
  (kms:EncryptionContext:aws:cloudtrail:arn and aws:SourceArn = the trail), and
  kms:Decrypt too when the log bucket uses an S3 Bucket Key ("Granting decrypt
  permissions") -> InsufficientEncryptionPolicyException;
- at most 5 trails per region per account -> MaximumNumberOfTrailsExceededException.
"""

from __future__ import annotations

from typing import Any

from moto.cloudtrail.models import cloudtrail_backends

from .. import resources as r
from ..authz.actions import KMS_KEY, S3_BUCKET, Check
from ..authz.decide import base_context, decide
from ..errors import AwsError
from ..identity import service_caller
from ..request import AwsRequest
from ..runtime import Runtime

CLOUDTRAIL = "cloudtrail.amazonaws.com"


def _existing(req: AwsRequest) -> Any | None:
    name = req.param("Name")
    if not name:
        return None
    try:
        return cloudtrail_backends[req.account][req.region].get_trail(name)
    except Exception:  # noqa: BLE001 - moto answers TrailNotFoundException
        return None


def _trail_arn(req: AwsRequest, name: str) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:aws:cloudtrail:{req.region}:{req.account}:trail/{name}"


def bucket_policy_allows(
    rt: Runtime, account: str, region: str, trail_arn: str, bucket_name: str, prefix: str | None
) -> bool:
    caller = service_caller(CLOUDTRAIL, account)
    context = {
        **base_context(caller, region, secure=True),
        "aws:sourcearn": [trail_arn],
        "aws:sourceaccount": [account],
    }
    key = f"{prefix.strip('/')}/" if prefix else ""
    probe = f"{key}AWSLogs/{account}/CloudTrail/{region}/strict-aws-probe.json.gz"
    checks = [
        Check("s3:GetBucketAcl", r.bucket_arn(bucket_name), {}, (S3_BUCKET, bucket_name)),
        Check(
            "s3:PutObject",
            r.object_arn(bucket_name, probe),
            {"s3:x-amz-acl": ["bucket-owner-full-control"]},
            (S3_BUCKET, bucket_name),
        ),
    ]
    return all(decide(caller, c, {**context, **c.context}, rt.state.effective_policy) is None for c in checks)


def key_policy_allows(rt: Runtime, account: str, region: str, trail_arn: str, key: Any, bucket: Any) -> bool:
    caller = service_caller(CLOUDTRAIL, account)
    context = {
        **base_context(caller, region, secure=True),
        "aws:sourcearn": [trail_arn],
        "aws:sourceaccount": [account],
        "kms:encryptioncontext:aws:cloudtrail:arn": [trail_arn],
        "kms:encryptioncontextkeys": ["aws:cloudtrail:arn"],
    }
    actions = ["kms:GenerateDataKey"]
    if bucket is not None and r.bucket_key_enabled(bucket):
        actions.append("kms:Decrypt")
    for action in actions:
        check = Check(action, key.arn, {}, (KMS_KEY, key), key.account_id)
        if decide(caller, check, context, rt.state.effective_policy) is not None:
            return False
    return True


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "cloudtrail" or req.operation not in ("CreateTrail", "UpdateTrail"):
        return
    name = req.param("Name") or ""
    existing = _existing(req) if req.operation == "UpdateTrail" else None
    if req.operation == "CreateTrail":
        quota = rt.settings(req.account).max_trails_per_region
        trails = cloudtrail_backends[req.account][req.region].trails
        own = [t for t in trails.values() if t.region_name == req.region]
        if len(own) >= quota:
            raise AwsError(
                "MaximumNumberOfTrailsExceededException",
                f"User: {req.account} already has {quota} trails in {req.region}.",
            )
    trail_arn = existing.arn if existing is not None else _trail_arn(req, name)
    bucket_name = req.param("S3BucketName") or (existing.bucket_name if existing is not None else None)
    prefix = req.param("S3KeyPrefix")
    if prefix is None and existing is not None:
        prefix = existing.s3_key_prefix
    bucket = r.find_bucket(bucket_name)
    if bucket_name and bucket is None:
        raise AwsError("S3BucketDoesNotExistException", f"S3 bucket {bucket_name} does not exist.")
    if bucket is not None and not bucket_policy_allows(
        rt, req.account, req.region, trail_arn, bucket_name, prefix
    ):
        raise AwsError(
            "InsufficientS3BucketPolicyException",
            f"Incorrect S3 bucket policy is detected for bucket: {bucket_name}",
        )
    key_ref = req.param("KmsKeyId")
    if key_ref is None and existing is not None:
        key_ref = existing.kms_key_id
    if key_ref:
        key = r.find_key(key_ref, req.account, req.region)
        if key is None:
            raise AwsError("KmsKeyNotFoundException", f"KMS key {key_ref} does not exist.")
        if not key_policy_allows(rt, req.account, req.region, trail_arn, key, bucket):
            raise AwsError(
                "InsufficientEncryptionPolicyException",
                f"Insufficient permissions to access S3 bucket {bucket_name} or KMS key {key.arn}.",
            )
