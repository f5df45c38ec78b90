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
- GetObjectLockConfiguration reads back only the period given (Days or Years); moto
  answers the other as 0.
- GetObjectRetention exists (moto answers GET ?retention with the object's body).
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


def _get_object_lock_configuration(original: Any) -> Any:
    # S3 reads back only the period that was given, Days or Years; moto also answers the
    # other one as 0, a period S3 would refuse (moto keeps the 0 to compute retention).
    def get_object_lock_configuration(self: Any, bucket_name: str) -> Any:
        enabled, mode, days, years = original(self, bucket_name)
        return enabled, mode, days or None, years or None

    return get_object_lock_configuration


def _key_response_get(original: Any) -> Any:
    def key_response_get(self: Any, query: dict[str, Any], key_name: str) -> Any:
        if "retention" not in query:
            return original(self, query, key_name)
        self._set_action("KEY", "GET", query)
        self._authenticate_and_authorize_s3_action(bucket_name=self.bucket_name, key_name=key_name)
        key, _ = self._get_key()
        from ..rules.object_lock import parse_until

        mode = getattr(key, "lock_mode", None)
        until = parse_until(getattr(key, "lock_until", None))
        if not mode or until is None:
            # What S3 answers for a version that never had a retention: 404.
            from ..errors import REST_XML, AwsError, render

            status, headers, body = render(
                AwsError(
                    "NoSuchObjectLockConfiguration",
                    "The specified object does not have a ObjectLock configuration",
                    404,
                ),
                protocol=REST_XML,
                service="s3",
                method="GET",
            )
            return status, dict(headers), body
        self.data["Action"] = "GetObjectRetention"
        return self.serialized(
            s3_responses.ActionResult({"Retention": {"Mode": mode, "RetainUntilDate": until}})
        )

    return key_response_get


def apply() -> None:
    s3_models.FakeBucket.get_permission = _no_permission_opinion
    s3_models.S3Backend.put_object_lock_configuration = _put_object_lock_configuration
    s3_responses.S3Response._key_response_get = _key_response_get(s3_responses.S3Response._key_response_get)
    s3_models.S3Backend.get_object_lock_configuration = _get_object_lock_configuration(
        s3_models.S3Backend.get_object_lock_configuration
    )
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
