"""Rule (n): S3 Object Lock (S3 User Guide, "Locking objects with Object Lock", "How S3
Object Lock works"; API reference, PutObjectLockConfiguration, PutObjectRetention,
DeleteObject). moto stores lock configurations and retention and refuses some deletes;
the strict layer adds what it misses:

- a version under retention (or legal hold) cannot be deleted by version id:
  403 AccessDenied "Access Denied because object protected by object lock."; GOVERNANCE
  only gives way to a request with x-amz-bypass-governance-retention: true from a caller
  allowed s3:BypassGovernanceRetention (identity and bucket policy), COMPLIANCE and legal
  holds never (not even for the account's administrator);
- the same for DeleteObjects: the bypass header counts only with the permission;
- PutObjectRetention may lengthen a retention; shortening it, removing it or turning
  COMPLIANCE into GOVERNANCE is refused (COMPLIANCE), or needs the bypass (GOVERNANCE);
- once Object Lock is on, versioning cannot be suspended: 409 InvalidBucketState;
- Object Lock can be turned on for an existing versioned bucket (S3 allows it since
  2023; moto insisted on an empty bucket): patches/s3.py.

Replicas take the source version's retention, or the destination's default retention
(replication/engine.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from .. import resources as r
from ..authz.actions import S3_BUCKET, Check
from ..authz.decide import base_context, decide
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Runtime

PROTECTED = "Access Denied because object protected by object lock."
VERSIONING_LOCKED = (
    "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."
)

_BYPASS_HEADER = "HTTP_X_AMZ_BYPASS_GOVERNANCE_RETENTION"


def parse_until(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def retention_of(version: Any) -> tuple[str | None, datetime | None]:
    """(mode, retain-until) in force on a version now; (None, None) when none is."""
    mode = getattr(version, "lock_mode", None)
    until = parse_until(getattr(version, "lock_until", None))
    if mode not in ("GOVERNANCE", "COMPLIANCE") or until is None or until <= datetime.now(UTC):
        return None, None
    return mode, until


def legal_hold(version: Any) -> bool:
    return getattr(version, "lock_legal_status", None) == "ON"


def may_bypass(req: AwsRequest, rt: Runtime, bucket: Any, key: str) -> bool:
    """The request asks to bypass GOVERNANCE retention and its caller may."""
    if (req.header("x-amz-bypass-governance-retention") or "").lower() != "true":
        return False
    check = Check(
        "s3:BypassGovernanceRetention",
        r.object_arn(bucket.name, key),
        {},
        (S3_BUCKET, bucket.name),
        bucket.account_id,
    )
    context = base_context(req.caller, req.region, secure=not req.http)
    return decide(req.caller, check, context, rt.state.effective_policy) is None


def _refuse() -> AwsError:
    return AwsError("AccessDenied", PROTECTED, 403)


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "s3" or not req.bucket:
        return
    op = req.operation
    bucket = r.find_bucket(req.bucket)
    if bucket is None or not getattr(bucket, "object_lock_enabled", False):
        return
    if op == "PutBucketVersioning":
        status = (req.param("VersioningConfiguration") or {}).get("Status")
        if status and status != "Enabled":
            raise AwsError("InvalidBucketState", VERSIONING_LOCKED, 409)
        return
    version_id = (req.query.get("versionId") or [None])[0]
    if op == "DeleteObject" and version_id and req.key:
        version = r.object_version(bucket, req.key, version_id)
        if version is None:
            return
        mode, _ = retention_of(version)
        if legal_hold(version) or mode == "COMPLIANCE":
            raise _refuse()
        if mode == "GOVERNANCE" and not may_bypass(req, rt, bucket, req.key):
            raise _refuse()
        return
    if op == "DeleteObjects":
        if req.environ.get(_BYPASS_HEADER) and not may_bypass(req, rt, bucket, "*"):
            # Without the permission the header does nothing: moto then keeps the locks.
            del req.environ[_BYPASS_HEADER]
        return
    if op == "PutObjectRetention" and req.key:
        version = r.object_version(bucket, req.key, version_id)
        if version is None:
            return
        mode, until = retention_of(version)
        if mode is None:
            return
        wanted = req.param("Retention") or {}
        new_mode = wanted.get("Mode")
        new_until = parse_until(wanted.get("RetainUntilDate"))
        weaker = (
            (mode == "COMPLIANCE" and new_mode != "COMPLIANCE")
            or new_mode not in ("GOVERNANCE", "COMPLIANCE")
            or new_until is None
            or until is None
            or new_until < until
        )
        if not weaker:
            return
        if mode == "COMPLIANCE" or not may_bypass(req, rt, bucket, req.key):
            raise _refuse()
