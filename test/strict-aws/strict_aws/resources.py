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


def bucket_owner_enforced(bucket: Any) -> bool:
    """Object Ownership "Bucket owner enforced" (S3's default for new buckets since April
    2023; moto keeps no rule for a bucket that was never given one)."""
    rule = getattr(bucket, "ownership_rule", None)
    if not rule:
        return True
    if isinstance(rule, dict):
        rules = rule.get("Rule") or rule.get("Rules") or []
        rules = rules if isinstance(rules, list) else [rules]
        return any((x or {}).get("ObjectOwnership") == "BucketOwnerEnforced" for x in rules)
    return str(rule) == "BucketOwnerEnforced"


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


# --- SQS ------------------------------------------------------------------------------


def queue_arn(account: str, region: str, name: str) -> str:
    return f"arn:{PARTITION}:sqs:{region}:{account}:{name}"


def queue_location(url_or_arn: str | None, account: str, region: str) -> tuple[str, str, str] | None:
    """(account, region, name) of a queue named by URL (any host: `.../<account>/<name>`)
    or ARN."""
    if not url_or_arn:
        return None
    if url_or_arn.startswith("arn:"):
        parts = url_or_arn.split(":", 5)
        return (parts[4], parts[3], parts[5]) if len(parts) == 6 else None
    path = url_or_arn.split("://", 1)[-1].split("?", 1)[0]
    pieces = [p for p in path.split("/") if p]
    if len(pieces) >= 3 and pieces[-2].isdigit():
        # Queue URLs carry no region outside the host (sqs.<region>.amazonaws.com); a
        # local endpoint has none, so the request's region stands.
        host = pieces[0]
        host_region = host.split(".")[1] if host.startswith("sqs.") and host.count(".") >= 3 else region
        return pieces[-2], host_region, pieces[-1]
    return None


def find_queue(account: str, region: str, name: str) -> Any | None:
    from moto.sqs.models import sqs_backends

    try:
        return sqs_backends[account][region].queues.get(name)
    except KeyError:
        return None


def queue_tags(queue: Any) -> dict[str, str]:
    return dict(getattr(queue, "tags", None) or {})


# --- EventBridge ----------------------------------------------------------------------


def events_backend(account: str, region: str) -> Any:
    from moto.events.models import events_backends

    return events_backends[account][region]


def bus_name(value: str | None) -> str:
    """An event bus named by name or ARN -> its name (default: `default`)."""
    if not value:
        return "default"
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


def rule_arn(account: str, region: str, bus: str, name: str) -> str:
    prefix = "" if bus == "default" else f"{bus}/"
    return f"arn:{PARTITION}:events:{region}:{account}:rule/{prefix}{name}"


def event_bus_arn(account: str, region: str, bus: str) -> str:
    return f"arn:{PARTITION}:events:{region}:{account}:event-bus/{bus}"


def events_tags(account: str, region: str, arn: str) -> dict[str, str]:
    try:
        return events_backend(account, region).tagger.get_tag_dict_for_resource(arn)
    except Exception:  # noqa: BLE001 - no tags known for it
        return {}
