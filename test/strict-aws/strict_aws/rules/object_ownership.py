"""Who may read a replica (S3 User Guide, "Controlling ownership of objects"): with ACLs
enabled on the destination (Object Ownership ObjectWriter or BucketOwnerPreferred), a
replica that replication did not hand over (no AccessControlTranslation Owner=Destination)
belongs to the source account, and its ACL grants only that owner: the destination bucket's
own account reads it with 403 AccessDenied "Access Denied". Under "Bucket owner enforced" (S3's default)
the bucket owner owns every object."""

from __future__ import annotations

from .. import resources as r
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Runtime

_READS = {"GetObject", "HeadObject", "GetObjectTagging", "GetObjectAcl", "CopyObject"}


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "s3" or req.operation not in _READS or not req.bucket or not req.key:
        return
    bucket = r.find_bucket(req.bucket)
    if bucket is None or r.bucket_owner_enforced(bucket) or req.account != bucket.account_id:
        return
    version = r.object_version(bucket, req.key, (req.query.get("versionId") or [None])[0])
    owner = getattr(version, "strict_owner_account", None) if version is not None else None
    if owner and owner != bucket.account_id:
        # An ACL refusal names no policy: S3 says only "Access Denied".
        raise AwsError("AccessDenied", "Access Denied", 403)
