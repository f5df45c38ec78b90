"""Reading moto's backends: buckets, keys, roles and their tags, by the names requests use.

Read-only helpers; the rules decide, moto stays the store.
"""

from __future__ import annotations

from typing import Any

from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.s3.models import s3_backends

PARTITION = "aws"


# --- S3 -------------------------------------------------------------------------------


def bucket_arn(bucket: str) -> str:
    return f"arn:{PARTITION}:s3:::{bucket}"


def object_arn(bucket: str, key: str) -> str:
    return f"arn:{PARTITION}:s3:::{bucket}/{key}"


def find_bucket(name: str | None) -> Any | None:
    """The bucket, whichever account holds it (bucket names are global)."""
    if not name:
        return None
    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None
    partition, account = owner
    return s3_backends[account][partition].buckets.get(name)


def s3_backend(account: str) -> Any:
    return s3_backends[account][PARTITION]


def bucket_policy_text(bucket: Any) -> str | None:
    policy = getattr(bucket, "policy", None)
    if not policy:
        return None
    return policy.decode() if isinstance(policy, bytes) else str(policy)


def bucket_default_kms(bucket: Any) -> tuple[str | None, bool]:
    """(the default SSE-KMS key id or ARN, bucket key on) of a bucket; (None, False) when
    the bucket does not default to SSE-KMS with a customer key."""
    encryption = getattr(bucket, "encryption", None)
    if not encryption:
        return None, False
    rule = encryption.get("Rule") or {}
    if isinstance(rule, list):
        rule = rule[0] if rule else {}
    default = rule.get("ApplyServerSideEncryptionByDefault") or {}
    if default.get("SSEAlgorithm") not in ("aws:kms", "aws:kms:dsse"):
        return None, False
    bucket_key = str(rule.get("BucketKeyEnabled", "false")).lower() == "true"
    return default.get("KMSMasterKeyID"), bucket_key


def bucket_key_enabled(bucket: Any) -> bool:
    return bucket_default_kms(bucket)[1]


def public_access_block(bucket: Any) -> Any | None:
    return getattr(bucket, "public_access_block", None)


def object_version(bucket: Any, key: str, version_id: str | None) -> Any | None:
    versions = bucket.keys.getlist(key, [])
    if not versions:
        return None
    if version_id is None:
        return versions[-1]
    for version in versions:
        if str(version.version_id) == str(version_id):
            return version
    return None


def object_tags(account: str, version: Any) -> dict[str, str]:
    backend = s3_backend(account)
    tags = backend.tagger.list_tags_for_resource(version.arn).get("Tags", [])
    return {t["Key"]: t["Value"] for t in tags}


# --- KMS ------------------------------------------------------------------------------


def kms_backend(account: str, region: str) -> Any:
    return kms_backends[account][region]


def key_location(reference: str, account: str, region: str) -> tuple[str, str, str]:
    """(account, region, reference without ARN) for a key id, key ARN, alias or alias ARN."""
    if reference.startswith("arn:"):
        parts = reference.split(":", 5)
        if len(parts) == 6:
            return parts[4], parts[3], parts[5]
    return account, region, reference


def find_key(reference: str | None, account: str, region: str) -> Any | None:
    """The key a request names by id, ARN, alias name or alias ARN; None when unknown."""
    if not reference:
        return None
    key_account, key_region, rest = key_location(reference, account, region)
    try:
        backend = kms_backends[key_account][key_region]
    except KeyError:
        return None
    if rest.startswith("key/"):
        return backend.keys.get(rest[len("key/") :])
    if rest.startswith("alias/"):
        key_id = backend.get_key_id_from_alias(rest)
        return backend.keys.get(key_id) if key_id else None
    return backend.keys.get(rest)


def key_tags(key: Any) -> dict[str, str]:
    backend = kms_backends[key.account_id][key.region]
    tags = backend.tagger.list_tags_for_resource(key.id).get("Tags", [])
    return {t["TagKey"]: t["TagValue"] for t in tags}


def key_arn_for(reference: str, account: str, region: str) -> str:
    """An ARN for a key reference that may name nothing (for messages and identity checks)."""
    key_account, key_region, rest = key_location(reference, account, region)
    if reference.startswith("arn:"):
        return reference
    if rest.startswith("alias/"):
        return f"arn:{PARTITION}:kms:{key_region}:{key_account}:{rest}"
    return f"arn:{PARTITION}:kms:{key_region}:{key_account}:key/{rest}"


# --- IAM ------------------------------------------------------------------------------


def iam_backend(account: str) -> Any:
    return iam_backends[account][PARTITION]


def find_role(account: str, name_or_arn: str | None) -> Any | None:
    if not name_or_arn:
        return None
    backend = iam_backend(account)
    by_arn = name_or_arn.startswith("arn:")
    for role in backend.get_roles():
        if (role.arn if by_arn else role.name) == name_or_arn:
            return role
    return None


def role_arn_for(account: str, name: str) -> str:
    role = find_role(account, name)
    return role.arn if role else f"arn:{PARTITION}:iam::{account}:role/{name}"


def role_tags(role: Any) -> dict[str, str]:
    tags = role.tags
    if isinstance(tags, dict):
        return {v["Key"]: v["Value"] for v in tags.values()}
    return {t["Key"]: t["Value"] for t in tags or []}


def count_roles(account: str) -> int:
    return len(list(iam_backend(account).get_roles()))
