"""Rule (c), the configuration side: PutBucketReplication checks what S3 checks, and
GetBucketReplication reads the configuration back as it was written.

S3 refuses a replication configuration (InvalidRequest) when the source bucket's
versioning is not Enabled — and, for a window after it was enabled (default 2 s), still
says so, as S3 does while the change propagates; when the destination bucket does not
exist or is not versioned; when SSE-KMS objects are selected without a ReplicaKmsKeyID.
The caller's iam:PassRole on the role is checked by the authorizer.
"""

from __future__ import annotations

from typing import Any

from .. import resources as r
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Response, Runtime

VERSIONING_REQUIRED = "Versioning must be 'Enabled' on the bucket to apply a replication configuration"
DESTINATION_MISSING = "Destination bucket must exist."
DESTINATION_UNVERSIONED = "Destination bucket must have versioning enabled."
REPLICA_KEY_REQUIRED = "ReplicaKmsKeyID must be specified if SseKmsEncryptedObjects tag is present."
# The two below are the strict layer's wording (S3 refuses these configurations; the API
# reference documents the constraint, not the text).
OWNER_ACCOUNT_REQUIRED = (
    "Destination.Account must be the account that owns the destination bucket when "
    "AccessControlTranslation is specified."
)
RTC_NEEDS_METRICS = (
    "Replication Time Control requires replication metrics: Destination.Metrics must be Enabled."
)


def _destination(rule: dict[str, Any]) -> str | None:
    arn = (rule.get("Destination") or {}).get("Bucket") or ""
    return arn.split(":::", 1)[1] if ":::" in arn else None


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "s3":
        return
    if req.operation == "PutBucketVersioning":
        bucket = r.find_bucket(req.bucket)
        req.environ["strict_aws.was_versioned"] = bool(bucket and bucket.is_versioned)
        return
    if req.operation != "PutBucketReplication":
        return
    bucket = r.find_bucket(req.bucket)
    if bucket is None:
        return  # moto answers NoSuchBucket
    if not bucket.is_versioned or rt.state.versioning_remaining(bucket.account_id, bucket.name) > 0:
        raise AwsError("InvalidRequest", VERSIONING_REQUIRED)
    config = req.param("ReplicationConfiguration") or {}
    for rule in config.get("Rules") or []:
        name = _destination(rule)
        destination = r.find_bucket(name)
        if destination is None:
            raise AwsError("InvalidRequest", DESTINATION_MISSING)
        if not destination.is_versioned:
            raise AwsError("InvalidRequest", DESTINATION_UNVERSIONED)
        selected = (rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects") or {}
        replica_key = (rule.get("Destination") or {}).get("EncryptionConfiguration") or {}
        if selected.get("Status") == "Enabled" and not replica_key.get("ReplicaKmsKeyID"):
            raise AwsError("InvalidRequest", REPLICA_KEY_REQUIRED)
        target = rule.get("Destination") or {}
        # "Currently, Amazon S3 verifies this value only if Access Control Translation is
        # enabled" (API reference, Destination.Account).
        if target.get("AccessControlTranslation") and target.get("Account") != destination.account_id:
            raise AwsError("InvalidRequest", OWNER_ACCOUNT_REQUIRED)
        rtc = (target.get("ReplicationTime") or {}).get("Status") == "Enabled"
        if rtc and (target.get("Metrics") or {}).get("Status") != "Enabled":
            raise AwsError("InvalidRequest", RTC_NEEDS_METRICS)


def after(req: AwsRequest, response: Response, rt: Runtime) -> None:
    if req.iam_prefix != "s3":
        return
    bucket = r.find_bucket(req.bucket)
    if bucket is None:
        return
    if req.operation == "PutBucketVersioning":
        status = (req.param("VersioningConfiguration") or {}).get("Status")
        if status == "Enabled" and not req.environ.get("strict_aws.was_versioned"):
            rt.state.record_versioning_enabled(bucket.account_id, bucket.name)
    elif req.operation == "PutBucketReplication":
        config = dict(req.param("ReplicationConfiguration") or {})
        stored = getattr(bucket, "replication", None) or {}
        rules = []
        # S3 assigns an ID (and Priority 0 on V1 rules) where the request has none; moto
        # assigned its own ids in the same order.
        for written, kept in zip(config.get("Rules") or [], stored.get("Rule") or [], strict=False):
            rule = dict(written)
            rule.setdefault("ID", kept.get("ID"))
            rules.append(rule)
        config["Rules"] = rules or config.get("Rules") or []
        bucket.strict_replication = config
    elif req.operation == "DeleteBucketReplication":
        bucket.strict_replication = None
