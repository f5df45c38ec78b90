"""moto's S3, corrected where real S3 behaves otherwise:

- moto half-enforces bucket policies (FakeBucket.get_permission: a Deny with Principal "*"
  applies, ignoring its Condition, so a TLS-only policy denies every request): switched
  off; the strict authorizer evaluates bucket policies, conditions included.
- GetBucketReplication reads back the configuration as written (moto answers
  DeleteMarkerReplication Disabled and drops SourceSelectionCriteria, Filter and
  Destination details); the written form is kept by rules/replication_config.py.
- HEAD/GET of an object show x-amz-replication-status (PENDING, COMPLETED, FAILED on a
  source version, REPLICA on a replica), set by the replication engine.
- CreateBucket honours CreateBucketConfiguration Tags (S3 tags general purpose buckets
  on create; s3:TagResource is checked by the authorizer): see `after_create_bucket`.
- PutObjectLockConfiguration turns Object Lock on for a versioned bucket that already
  holds objects (S3 allows it since November 2023; moto answers BucketNeedsToBeNew).
"""

from __future__ import annotations

from typing import Any

from moto.iam.access_control import PermissionResult
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses

from ..request import AwsRequest
from ..runtime import Response, Runtime


def _no_permission_opinion(self: Any, action: str, resource: str) -> Any:
    return PermissionResult.NEUTRAL


def _replication_status_headers(original: Any) -> Any:
    def response_dict(self: Any) -> dict[str, Any]:
        headers = original.fget(self)
        status = getattr(self, "strict_replication_status", None)
        if status:
            headers["x-amz-replication-status"] = status
        return headers

    return property(response_dict)


def _get_bucket_replication(original: Any) -> Any:
    def get_bucket_replication(self: Any) -> Any:
        bucket = self.backend.get_bucket(self.bucket_name)
        written = getattr(bucket, "strict_replication", None)
        if not written or not getattr(bucket, "replication", None):
            return original(self)
        from moto.core.responses import ActionResult

        self.data["Action"] = "GetBucketReplication"
        return self.serialized(ActionResult({"ReplicationConfiguration": written}))

    return get_bucket_replication


def _put_object_lock_configuration(
    self: Any,
    bucket_name: str,
    lock_enabled: bool,
    mode: str | None = None,
    days: int | None = None,
    years: int | None = None,
) -> None:
    from moto.s3.exceptions import InvalidBucketState

    bucket = self.get_bucket(bucket_name)
    if not bucket.is_versioned:
        raise InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
        )
    if lock_enabled:
        bucket.object_lock_enabled = True
        bucket.versioning_status = "Enabled"
    bucket.default_lock_mode = mode
    bucket.default_lock_days = days
    bucket.default_lock_years = years


def apply() -> None:
    s3_models.FakeBucket.get_permission = _no_permission_opinion
    s3_models.S3Backend.put_object_lock_configuration = _put_object_lock_configuration
    s3_models.FakeKey.response_dict = _replication_status_headers(s3_models.FakeKey.response_dict)
    s3_responses.S3Response.get_bucket_replication = _get_bucket_replication(
        s3_responses.S3Response.get_bucket_replication
    )


def after_create_bucket(req: AwsRequest, response: Response, rt: Runtime) -> None:
    if req.iam_prefix != "s3" or req.operation != "CreateBucket":
        return
    tags = req.param("CreateBucketConfiguration", "Tags") or []
    if not tags:
        return
    from ..resources import find_bucket, s3_backend

    bucket = find_bucket(req.bucket)
    if bucket is not None:
        s3_backend(bucket.account_id).put_bucket_tagging(
            bucket.name, {t["Key"]: t.get("Value", "") for t in tags}
        )
