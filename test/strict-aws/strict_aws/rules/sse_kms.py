"""S3 writes (and reads) of SSE-KMS objects need a usable key: S3 answers with KMS's own
error, prefixed: KMS.NotFoundException (no such key, or one KMS does not see yet),
KMS.DisabledException, KMS.KMSInvalidStateException (pending deletion).

So do messages sent to and received from an SSE-KMS SQS queue: SQS answers KmsNotFound,
KmsDisabled, KmsInvalidState (their query codes are KMS's, prefixed as above)."""

from __future__ import annotations

from typing import Any

from .. import resources as r
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Runtime
from .kms_visibility import invisible

_WRITES = {"PutObject", "CopyObject", "CreateMultipartUpload"}


def usable_key_error(rt: Runtime, reference: str, bucket: Any) -> AwsError | None:
    if reference.startswith("alias/aws/"):
        return None
    key = r.find_key(reference, bucket.account_id, bucket.region_name)
    if key is None or invisible(rt, key):
        arn = key.arn if key else r.key_arn_for(reference, bucket.account_id, bucket.region_name)
        return AwsError("KMS.NotFoundException", f"Key '{arn}' does not exist", 400)
    if key.key_state == "PendingDeletion":
        return AwsError("KMS.KMSInvalidStateException", f"{key.arn} is pending deletion.", 400)
    if key.key_state != "Enabled" or not key.enabled:
        return AwsError("KMS.DisabledException", f"{key.arn} is disabled.", 400)
    return None


def _write_key(req: AwsRequest, bucket: Any) -> str | None:
    algorithm = req.header("x-amz-server-side-encryption")
    explicit = req.header("x-amz-server-side-encryption-aws-kms-key-id")
    default_key, _ = r.bucket_default_kms(bucket)
    if algorithm is None:
        return default_key
    if algorithm.startswith("aws:kms"):
        return explicit or default_key
    return None


_SQS_TYPES = {
    "KMS.NotFoundException": "KmsNotFound",
    "KMS.DisabledException": "KmsDisabled",
    "KMS.KMSInvalidStateException": "KmsInvalidState",
}


def _sqs(req: AwsRequest, rt: Runtime) -> None:
    if req.operation not in ("SendMessage", "SendMessageBatch", "ReceiveMessage"):
        return
    from ..authz.actions import queue_of

    where = queue_of(req)
    queue = r.find_queue(*where) if where else None
    key_ref = getattr(queue, "kms_master_key_id", None) if queue is not None else None
    if not key_ref or str(key_ref).startswith("alias/aws/"):
        return
    account, region, _ = where  # type: ignore[misc]

    class _Place:
        account_id = account
        region_name = region

    error = usable_key_error(rt, str(key_ref), _Place)
    if error is not None:
        error.json_type = _SQS_TYPES.get(error.code)
        raise error


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix == "sqs":
        _sqs(req, rt)
        return
    if req.iam_prefix != "s3" or not req.bucket or not req.key:
        return
    bucket = r.find_bucket(req.bucket)
    if bucket is None:
        return
    reference: str | None = None
    if req.operation in _WRITES:
        reference = _write_key(req, bucket)
    elif req.operation == "GetObject":
        version = r.object_version(bucket, req.key, (req.query.get("versionId") or [None])[0])
        if getattr(version, "encryption", None) == "aws:kms":
            reference = version.kms_key_id
    if reference:
        error = usable_key_error(rt, reference, bucket)
        if error is not None:
            raise error
