"""Operation -> the IAM actions AWS checks, their resources and condition keys.

From the Service Authorization Reference ("Actions, resources, and condition keys for
<service>") and each API's "Permissions" section. Beyond the operation's own action:
actions implied by the request (x-amz-tagging -> s3:PutObjectTagging; SSE-KMS objects ->
kms:GenerateDataKey / kms:Decrypt, evaluated as the call S3 makes on the caller's behalf;
tags on create -> the service's tag action; a role handed to a service -> iam:PassRole
with iam:PassedToService). An operation the table does not know needs `<prefix>:<Operation>`
on "*" (identity policies only), so a new call is never silently free.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from .. import resources as r
from ..request import AwsRequest

S3_BUCKET = "s3-bucket"
KMS_KEY = "kms-key"
SQS_QUEUE = "sqs-queue"
#: A role's trust policy, when someone asks STS for a session of it.
ROLE_TRUST = "role-trust"


@dataclass
class Check:
    action: str
    resource: str
    context: dict[str, list[str]] = field(default_factory=dict)
    #: Which resource policy also decides: (S3_BUCKET, bucket name) or (KMS_KEY, key).
    resource_policy: tuple[str, Any] | None = None
    #: The account that owns the resource (cross-account rules); None: the caller's.
    owner: str | None = None
    #: A denial answered with another service's error (SQS answers KMS refusals as
    #: KMS.AccessDeniedException); None: the service's own AccessDenied shape.
    denied_code: str | None = None
    #: ... and its JSON error type (SQS: KmsAccessDenied).
    denied_type: str | None = None


def _tags_context(tags: dict[str, str], prefix: str) -> dict[str, list[str]]:
    return {f"{prefix}/{k}".lower(): [v] for k, v in tags.items()}


def request_tags(tags: dict[str, str]) -> dict[str, list[str]]:
    if not tags:
        return {}
    ctx = _tags_context(tags, "aws:RequestTag")
    ctx["aws:tagkeys"] = list(tags)
    return ctx


def resource_tags(tags: dict[str, str]) -> dict[str, list[str]]:
    return _tags_context(tags, "aws:ResourceTag")


def _kv_tags(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    return {str(t.get(key)): str(t.get(value, "")) for t in items or [] if isinstance(t, dict)}


def pass_role(req: AwsRequest, role: str | None, service: str) -> list[Check]:
    if not role:
        return []
    arn = role if role.startswith("arn:") else r.role_arn_for(req.account, role)
    return [Check("iam:PassRole", arn, {"iam:passedtoservice": [service]})]


# --- KMS calls S3 makes for the caller (SSE-KMS) ---------------------------------------


def kms_via_s3(
    req: AwsRequest,
    action: str,
    key_ref: str | None,
    bucket: Any,
    object_key: str,
    bucket_key: bool,
) -> list[Check]:
    if not key_ref or key_ref.startswith("alias/aws/") or bucket is None:
        return []
    key = r.find_key(key_ref, bucket.account_id, bucket.region_name)
    arn = key.arn if key else r.key_arn_for(key_ref, bucket.account_id, bucket.region_name)
    context = {
        "kms:viaservice": [f"s3.{bucket.region_name}.amazonaws.com"],
        "kms:encryptioncontext:aws:s3:arn": [
            r.bucket_arn(bucket.name) if bucket_key else r.object_arn(bucket.name, object_key)
        ],
        "kms:encryptioncontextkeys": ["aws:s3:arn"],
        "kms:callerAccount".lower(): [req.account],
    }
    return [
        Check(
            action,
            arn,
            context,
            resource_policy=(KMS_KEY, key) if key else None,
            owner=key.account_id if key else None,
        )
    ]


def _sse_write(req: AwsRequest, bucket: Any, key_name: str) -> list[Check]:
    """kms:GenerateDataKey for an object written with SSE-KMS (header or bucket default)."""
    if bucket is None:
        return []
    algorithm = req.header("x-amz-server-side-encryption")
    key_ref = req.header("x-amz-server-side-encryption-aws-kms-key-id")
    header_bucket_key = req.header("x-amz-server-side-encryption-bucket-key-enabled")
    default_key, default_bucket_key = r.bucket_default_kms(bucket)
    if algorithm is None:
        if default_key is None:
            return []
        key_ref = default_key
    elif algorithm.startswith("aws:kms"):
        key_ref = key_ref or default_key
    else:
        return []
    bucket_key = header_bucket_key.lower() == "true" if header_bucket_key else default_bucket_key
    return kms_via_s3(req, "kms:GenerateDataKey", key_ref, bucket, key_name, bucket_key)


def _sse_read(req: AwsRequest, bucket: Any, key_name: str, version_id: str | None) -> list[Check]:
    if bucket is None:
        return []
    version = r.object_version(bucket, key_name, version_id)
    if getattr(version, "encryption", None) != "aws:kms" or not getattr(version, "kms_key_id", None):
        return []
    bucket_key = str(version.bucket_key_enabled).lower() == "true"
    return kms_via_s3(req, "kms:Decrypt", version.kms_key_id, bucket, key_name, bucket_key)


# --- S3 --------------------------------------------------------------------------------

#: Bucket operations: operation -> IAM action (Service Authorization Reference).
S3_BUCKET_ACTIONS = {
    "HeadBucket": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjectVersions": "s3:ListBucketVersions",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads",
    "DeleteBucket": "s3:DeleteBucket",
    "GetBucketLocation": "s3:GetBucketLocation",
    "GetBucketPolicy": "s3:GetBucketPolicy",
    "PutBucketPolicy": "s3:PutBucketPolicy",
    "DeleteBucketPolicy": "s3:DeleteBucketPolicy",
    "GetBucketPolicyStatus": "s3:GetBucketPolicyStatus",
    "GetBucketTagging": "s3:GetBucketTagging",
    "PutBucketTagging": "s3:PutBucketTagging",
    "DeleteBucketTagging": "s3:PutBucketTagging",
    "GetBucketVersioning": "s3:GetBucketVersioning",
    "PutBucketVersioning": "s3:PutBucketVersioning",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "DeleteBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "s3:PutBucketPublicAccessBlock",
    "GetBucketOwnershipControls": "s3:GetBucketOwnershipControls",
    "PutBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls": "s3:PutBucketOwnershipControls",
    "GetBucketReplication": "s3:GetReplicationConfiguration",
    "PutBucketReplication": "s3:PutReplicationConfiguration",
    "DeleteBucketReplication": "s3:PutReplicationConfiguration",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
    "GetBucketAcl": "s3:GetBucketAcl",
    "PutBucketAcl": "s3:PutBucketAcl",
    "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
    "PutBucketNotificationConfiguration": "s3:PutBucketNotification",
    "GetBucketLogging": "s3:GetBucketLogging",
    "PutBucketLogging": "s3:PutBucketLogging",
    "GetBucketCors": "s3:GetBucketCORS",
    "PutBucketCors": "s3:PutBucketCORS",
    "GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "s3:PutBucketObjectLockConfiguration",
}

#: Object Lock headers of a write -> the action that sets them (PutObject API reference).
_LOCK_HEADERS = {
    "x-amz-object-lock-mode": "s3:PutObjectRetention",
    "x-amz-object-lock-retain-until-date": "s3:PutObjectRetention",
    "x-amz-object-lock-legal-hold": "s3:PutObjectLegalHold",
}


def _lock_checks(req: AwsRequest, bucket_name: str, key: str, ctx: dict[str, list[str]]) -> list[Check]:
    actions = dict.fromkeys(a for h, a in _LOCK_HEADERS.items() if req.header(h) is not None)
    lock_ctx = dict(ctx)
    if req.header("x-amz-object-lock-mode"):
        lock_ctx["s3:object-lock-mode"] = [req.header("x-amz-object-lock-mode") or ""]
    if req.header("x-amz-object-lock-retain-until-date"):
        lock_ctx["s3:object-lock-retain-until-date"] = [
            req.header("x-amz-object-lock-retain-until-date") or ""
        ]
    if req.header("x-amz-object-lock-legal-hold"):
        lock_ctx["s3:object-lock-legal-hold"] = [req.header("x-amz-object-lock-legal-hold") or ""]
    return [_object_check(a, bucket_name, key, lock_ctx) for a in actions]


def _s3_context(req: AwsRequest) -> dict[str, list[str]]:
    ctx: dict[str, list[str]] = {}
    for header in (
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-acl",
        "x-amz-storage-class",
        "x-amz-copy-source",
        "x-amz-metadata-directive",
    ):
        value = req.header(header)
        if value is not None:
            ctx[f"s3:{header}"] = [value]
    for name in ("prefix", "delimiter", "max-keys"):
        if name in req.query:
            ctx[f"s3:{name}"] = req.query[name][:1]
    version = req.query.get("versionId")
    if version:
        ctx["s3:versionid"] = version[:1]
    return ctx


def _bucket_check(action: str, bucket: str, ctx: dict[str, list[str]]) -> Check:
    owner = r.find_bucket(bucket)
    return Check(
        action,
        r.bucket_arn(bucket),
        ctx,
        resource_policy=(S3_BUCKET, bucket),
        owner=owner.account_id if owner else None,
    )


def _object_check(action: str, bucket: str, key: str, ctx: dict[str, list[str]]) -> Check:
    owner = r.find_bucket(bucket)
    return Check(
        action,
        r.object_arn(bucket, key),
        ctx,
        resource_policy=(S3_BUCKET, bucket),
        owner=owner.account_id if owner else None,
    )


def _copy_source(req: AwsRequest) -> tuple[str, str, str | None] | None:
    source = req.header("x-amz-copy-source")
    if not source:
        return None
    path, _, query = unquote(source).lstrip("/").partition("?")
    bucket, _, key = path.partition("/")
    version = parse_qs(query).get("versionId", [None])[0]
    return bucket, key, version


def s3_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    bucket_name = req.bucket
    ctx = _s3_context(req)
    if op == "ListBuckets":
        return [Check("s3:ListAllMyBuckets", "*", ctx)]
    if bucket_name is None:
        return [Check(f"s3:{op}", "*", ctx)]
    if op == "CreateBucket":
        checks = [Check("s3:CreateBucket", r.bucket_arn(bucket_name), ctx)]
        if (req.header("x-amz-bucket-object-lock-enabled") or "").lower() == "true":
            # CreateBucket API reference: a bucket with Object Lock also needs these two.
            checks.append(Check("s3:PutBucketObjectLockConfiguration", r.bucket_arn(bucket_name), ctx))
            checks.append(Check("s3:PutBucketVersioning", r.bucket_arn(bucket_name), ctx))
        tags = _kv_tags(req.param("CreateBucketConfiguration", "Tags"))
        if tags:
            checks.append(Check("s3:TagResource", r.bucket_arn(bucket_name), {**ctx, **request_tags(tags)}))
        return checks
    if op == "PutBucketReplication":
        role = req.param("ReplicationConfiguration", "Role")
        return [
            _bucket_check("s3:PutReplicationConfiguration", bucket_name, ctx),
            *pass_role(req, role, "s3.amazonaws.com"),
        ]
    if op in S3_BUCKET_ACTIONS:
        return [_bucket_check(S3_BUCKET_ACTIONS[op], bucket_name, ctx)]
    if op == "DeleteObjects":
        return [_object_check("s3:DeleteObject", bucket_name, "*", ctx)]
    key = req.key or ""
    bucket = r.find_bucket(bucket_name)
    version_id = (req.query.get("versionId") or [None])[0]
    if op in ("GetObject", "HeadObject"):
        action = "s3:GetObjectVersion" if version_id else "s3:GetObject"
        checks = [_object_check(action, bucket_name, key, ctx)]
        if op == "GetObject":
            checks += _sse_read(req, bucket, key, version_id)
        return checks
    if op == "PutObject":
        checks = [_object_check("s3:PutObject", bucket_name, key, ctx)]
        tagging = req.header("x-amz-tagging")
        if tagging:
            tags = {k: v[0] for k, v in parse_qs(tagging, keep_blank_values=True).items()}
            checks.append(
                _object_check("s3:PutObjectTagging", bucket_name, key, {**ctx, **request_tags(tags)})
            )
        return checks + _lock_checks(req, bucket_name, key, ctx) + _sse_write(req, bucket, key)
    if op == "CopyObject":
        checks = [_object_check("s3:PutObject", bucket_name, key, ctx)]
        source = _copy_source(req)
        if source:
            src_bucket, src_key, src_version = source
            action = "s3:GetObjectVersion" if src_version else "s3:GetObject"
            checks.append(_object_check(action, src_bucket, src_key, ctx))
            checks += _sse_read(req, r.find_bucket(src_bucket), src_key, src_version)
        tagging = req.header("x-amz-tagging")
        if tagging:
            checks.append(_object_check("s3:PutObjectTagging", bucket_name, key, ctx))
        return checks + _sse_write(req, bucket, key)
    if op in ("CreateMultipartUpload",):
        checks = [_object_check("s3:PutObject", bucket_name, key, ctx)]
        if req.header("x-amz-tagging"):
            checks.append(_object_check("s3:PutObjectTagging", bucket_name, key, ctx))
        return checks + _sse_write(req, bucket, key)
    if op in ("UploadPart", "UploadPartCopy"):
        return [_object_check("s3:PutObject", bucket_name, key, ctx)]
    if op == "CompleteMultipartUpload":
        checks = [_object_check("s3:PutObject", bucket_name, key, ctx)]
        upload_id = (req.query.get("uploadId") or [None])[0]
        multipart = bucket.multiparts.get(upload_id) if bucket is not None and upload_id else None
        if multipart is not None and multipart.sse_encryption == "aws:kms":
            key_ref = multipart.kms_key_id or r.bucket_default_kms(bucket)[0]
            checks += kms_via_s3(req, "kms:Decrypt", key_ref, bucket, key, r.bucket_key_enabled(bucket))
        return checks
    if op == "AbortMultipartUpload":
        return [_object_check("s3:AbortMultipartUpload", bucket_name, key, ctx)]
    if op == "DeleteObject":
        action = "s3:DeleteObjectVersion" if version_id else "s3:DeleteObject"
        return [_object_check(action, bucket_name, key, ctx)]
    if op in ("GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging"):
        action = f"s3:{op}" + ("Version" if version_id and op != "PutObjectTagging" else "")
        if op == "PutObjectTagging" and version_id:
            action = "s3:PutObjectVersionTagging"
        return [_object_check(action, bucket_name, key, ctx)]
    if op in ("GetObjectAcl", "PutObjectAcl"):
        return [_object_check(f"s3:{op}", bucket_name, key, ctx)]
    if op in ("PutObjectRetention", "GetObjectRetention", "PutObjectLegalHold", "GetObjectLegalHold"):
        # s3:BypassGovernanceRetention is checked where it matters (rules/object_lock.py):
        # only a retention that would otherwise refuse the call asks for it.
        return [_object_check(f"s3:{op}", bucket_name, key, ctx)]
    return [_bucket_check(f"s3:{op}", bucket_name, ctx)]


# --- KMS -------------------------------------------------------------------------------

_KMS_KEY_OPERATIONS = {
    "DescribeKey",
    "EnableKeyRotation",
    "DisableKeyRotation",
    "GetKeyRotationStatus",
    "GetKeyPolicy",
    "PutKeyPolicy",
    "ListKeyPolicies",
    "TagResource",
    "UntagResource",
    "ListResourceTags",
    "ScheduleKeyDeletion",
    "CancelKeyDeletion",
    "EnableKey",
    "DisableKey",
    "Encrypt",
    "Decrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncrypt",
    "UpdateKeyDescription",
    "CreateGrant",
    "ListGrants",
    "RotateKeyOnDemand",
    "ListKeyRotations",
}


def key_check(req: AwsRequest, action: str, reference: str | None, extra: dict[str, list[str]]) -> Check:
    key = r.find_key(reference, req.account, req.region)
    if key is None:
        return Check(action, r.key_arn_for(reference or "", req.account, req.region), extra)
    ctx = {**resource_tags(r.key_tags(key)), **extra}
    return Check(action, key.arn, ctx, resource_policy=(KMS_KEY, key), owner=key.account_id)


def kms_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    if op == "CreateKey":
        # CreateKey itself takes aws:RequestTag / aws:TagKeys (Service Authorization
        # Reference): a policy can require the tags a key is created with.
        tags = _kv_tags(req.param("Tags"), "TagKey", "TagValue")
        checks = [Check("kms:CreateKey", "*", request_tags(tags))]
        if tags:
            checks.append(Check("kms:TagResource", "*", request_tags(tags)))
        return checks
    if op in ("ListKeys", "ListAliases", "GenerateRandom"):
        return [Check(f"kms:{op}", "*", {})]
    if op in ("CreateAlias", "DeleteAlias", "UpdateAlias"):
        alias = req.param("AliasName") or ""
        alias_arn = f"arn:aws:kms:{req.region}:{req.account}:{alias}"
        checks = [Check(f"kms:{op}", alias_arn, {})]
        if op in {"DeleteAlias", "UpdateAlias"}:
            backend = r.kms_backend(req.account, req.region)
            current = backend.get_key_id_from_alias(alias)
            if current:
                checks.append(key_check(req, f"kms:{op}", current, {}))
        target = req.param("TargetKeyId")
        if target:
            checks.append(key_check(req, f"kms:{op}", target, {}))
        return checks
    if op in _KMS_KEY_OPERATIONS:
        extra: dict[str, list[str]] = {}
        if op == "TagResource":
            extra = request_tags(_kv_tags(req.param("Tags"), "TagKey", "TagValue"))
        if op == "UntagResource":
            extra = {"aws:tagkeys": list(req.param("TagKeys") or [])}
        if op == "ScheduleKeyDeletion" and req.param("PendingWindowInDays") is not None:
            extra = {"kms:schedulekeydeletionpendingwindowindays": [str(req.param("PendingWindowInDays"))]}
        return [key_check(req, f"kms:{op}", req.param("KeyId"), extra)]
    return [Check(f"kms:{op}", "*", {})]


# --- IAM -------------------------------------------------------------------------------


def _role_resource(req: AwsRequest, name: str | None, path: str | None = None) -> tuple[str, dict]:
    role = r.find_role(req.account, name)
    if role is not None:
        return role.arn, resource_tags(r.role_tags(role))
    return f"arn:aws:iam::{req.account}:role{path or '/'}{name}", {}


def iam_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    name = req.param("RoleName")
    if op == "CreateRole":
        arn, _ = _role_resource(req, name, req.param("Path"))
        tags = _kv_tags(req.param("Tags"))
        checks = [Check("iam:CreateRole", arn, request_tags(tags))]
        if tags:
            checks.append(Check("iam:TagRole", arn, request_tags(tags)))
        return checks
    if name is not None:
        arn, ctx = _role_resource(req, name)
        if op == "TagRole":
            ctx = {**ctx, **request_tags(_kv_tags(req.param("Tags")))}
        if op == "UntagRole":
            ctx = {**ctx, "aws:tagkeys": list(req.param("TagKeys") or [])}
        return [Check(f"iam:{op}", arn, ctx)]
    user = req.param("UserName")
    if user is not None:
        return [Check(f"iam:{op}", f"arn:aws:iam::{req.account}:user/{user}", {})]
    return [Check(f"iam:{op}", "*", {})]


# --- SNS, CloudWatch, CloudTrail, Glue --------------------------------------------------


def sns_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    if op == "CreateTopic":
        arn = f"arn:aws:sns:{req.region}:{req.account}:{req.param('Name')}"
        tags = _kv_tags(req.param("Tags"))
        checks = [Check("sns:CreateTopic", arn, request_tags(tags))]
        if tags:
            checks.append(Check("sns:TagResource", arn, request_tags(tags)))
        return checks
    topic = req.param("TopicArn") or req.param("ResourceArn")
    if not topic and req.param("SubscriptionArn"):
        topic = str(req.param("SubscriptionArn")).rsplit(":", 1)[0]
    if op == "TagResource":
        return [Check("sns:TagResource", topic or "*", request_tags(_kv_tags(req.param("Tags"))))]
    return [Check(f"sns:{op}", topic or "*", {})]


def cloudwatch_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    alarm = lambda n: f"arn:aws:cloudwatch:{req.region}:{req.account}:alarm:{n}"  # noqa: E731
    dashboard = lambda n: f"arn:aws:cloudwatch::{req.account}:dashboard/{n}"  # noqa: E731
    if op == "PutMetricAlarm":
        tags = _kv_tags(req.param("Tags"))
        checks = [Check("cloudwatch:PutMetricAlarm", alarm(req.param("AlarmName")), request_tags(tags))]
        if tags:
            checks.append(Check("cloudwatch:TagResource", alarm(req.param("AlarmName")), request_tags(tags)))
        return checks
    if op in ("SetAlarmState", "EnableAlarmActions", "DisableAlarmActions"):
        names = req.param("AlarmNames") or [req.param("AlarmName")]
        return [Check(f"cloudwatch:{op}", alarm(n), {}) for n in names if n]
    if op == "DeleteAlarms":
        return [Check("cloudwatch:DeleteAlarms", alarm(n), {}) for n in req.param("AlarmNames") or []]
    if op in ("PutDashboard", "GetDashboard"):
        return [Check(f"cloudwatch:{op}", dashboard(req.param("DashboardName")), {})]
    if op == "DeleteDashboards":
        return [
            Check("cloudwatch:DeleteDashboards", dashboard(n), {}) for n in req.param("DashboardNames") or []
        ]
    if op in ("TagResource", "UntagResource", "ListTagsForResource"):
        ctx = request_tags(_kv_tags(req.param("Tags"))) if op == "TagResource" else {}
        return [Check(f"cloudwatch:{op}", req.param("ResourceARN") or "*", ctx)]
    return [Check(f"cloudwatch:{op}", "*", {})]


def _trail_arn(req: AwsRequest, name: str | None) -> str:
    if name and name.startswith("arn:"):
        return name
    return f"arn:aws:cloudtrail:{req.region}:{req.account}:trail/{name}"


def cloudtrail_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    if op == "CreateTrail":
        arn = _trail_arn(req, req.param("Name"))
        tags = _kv_tags(req.param("TagsList"))
        checks = [Check("cloudtrail:CreateTrail", arn, request_tags(tags))]
        if tags:
            checks.append(Check("cloudtrail:AddTags", arn, request_tags(tags)))
        return checks
    if op in ("ListTags",):
        return [Check("cloudtrail:ListTags", a, {}) for a in req.param("ResourceIdList") or ["*"]]
    if op in ("AddTags", "RemoveTags"):
        return [Check(f"cloudtrail:{op}", req.param("ResourceId") or "*", {})]
    name = req.param("Name") or req.param("TrailName")
    if name:
        return [Check(f"cloudtrail:{op}", _trail_arn(req, name), {})]
    return [Check(f"cloudtrail:{op}", "*", {})]


#: Glue operation -> (resource type in the ARN, the input field naming it).
_GLUE_RESOURCES = {
    **{op: ("job", "Name") for op in ("CreateJob",)},
    **{
        op: ("job", "JobName")
        for op in ("GetJob", "UpdateJob", "DeleteJob", "StartJobRun", "GetJobRun", "GetJobRuns")
    },
    **{
        op: ("workflow", "Name")
        for op in ("CreateWorkflow", "GetWorkflow", "UpdateWorkflow", "DeleteWorkflow")
    },
    **{
        op: ("trigger", "Name")
        for op in (
            "CreateTrigger",
            "GetTrigger",
            "UpdateTrigger",
            "DeleteTrigger",
            "StartTrigger",
            "StopTrigger",
        )
    },
    **{
        op: ("crawler", "Name")
        for op in (
            "CreateCrawler",
            "GetCrawler",
            "UpdateCrawler",
            "DeleteCrawler",
            "StartCrawler",
            "StopCrawler",
        )
    },
}


def glue_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    if op in ("GetTags", "TagResource", "UntagResource"):
        ctx = request_tags(_kv_tags(req.param("TagsToAdd"))) if op == "TagResource" else {}
        return [Check(f"glue:{op}", req.param("ResourceArn") or "*", ctx)]
    kind, field_name = _GLUE_RESOURCES.get(op, ("", ""))
    name = req.param(field_name) if field_name else None
    arn = f"arn:aws:glue:{req.region}:{req.account}:{kind}/{name}" if name else "*"
    ctx: dict[str, list[str]] = {}
    checks: list[Check] = []
    tags = _kv_tags(req.param("Tags")) if op.startswith("Create") else {}
    if tags:
        ctx = request_tags(tags)
    elif name:
        # Glue authorizes on the resource's current tags (aws:ResourceTag/*).
        from moto.glue.models import glue_backends

        ctx = resource_tags(glue_backends[req.account][req.region].get_tags(arn))
    checks.append(Check(f"glue:{op}", arn, ctx))
    if tags:
        checks.append(Check("glue:TagResource", arn, ctx))
    if op in ("CreateJob", "CreateCrawler"):
        checks += pass_role(req, req.param("Role"), "glue.amazonaws.com")
    if op == "UpdateJob":
        checks += pass_role(req, req.param("JobUpdate", "Role"), "glue.amazonaws.com")
    if op == "UpdateCrawler":
        checks += pass_role(req, req.param("Role"), "glue.amazonaws.com")
    return checks


def sts_checks(req: AwsRequest) -> list[Check]:
    """AssumeRole: the caller's identity policies and the role's trust policy, combined as
    IAM combines a key policy with them (IAM User Guide, "Cross-account policy evaluation
    logic": role trust policies must name the principal or its account; an account root
    hands the decision to the caller's IAM policies; across accounts both must allow).

    A role that does not exist is not evaluated: the harness's convention (ADR 0007) is
    that a session of a role that does not exist acts as its account's administrator, and
    isolatedAccount() starts every test account that way. GetCallerIdentity needs no
    permission."""
    if req.operation != "AssumeRole":
        return []
    role_arn = req.param("RoleArn") or ""
    parts = role_arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("role/"):
        return []
    role = r.find_role(parts[4], role_arn)
    if role is None:
        return []
    ctx: dict[str, list[str]] = {"sts:rolesessionname": [str(req.param("RoleSessionName") or "")]}
    if req.param("ExternalId") is not None:
        ctx["sts:externalid"] = [str(req.param("ExternalId"))]
    if req.param("SourceIdentity") is not None:
        ctx["sts:sourceidentity"] = [str(req.param("SourceIdentity"))]
    ctx.update(resource_tags(r.role_tags(role)))
    checks = [Check("sts:AssumeRole", role.arn, ctx, (ROLE_TRUST, role), parts[4])]
    tags = _kv_tags(req.param("Tags"))
    if tags:
        checks.append(
            Check("sts:TagSession", role.arn, {**ctx, **request_tags(tags)}, (ROLE_TRUST, role), parts[4])
        )
    if req.param("SourceIdentity") is not None:
        checks.append(Check("sts:SetSourceIdentity", role.arn, ctx, (ROLE_TRUST, role), parts[4]))
    return checks


# --- SQS -------------------------------------------------------------------------------

#: Batch and plain operations share one action (Service Authorization Reference, SQS).
_SQS_ACTION = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def queue_of(req: AwsRequest) -> tuple[str, str, str] | None:
    """(account, region, name) of the queue a request names."""
    if req.operation in ("CreateQueue", "GetQueueUrl"):
        name = req.param("QueueName")
        owner = req.param("QueueOwnerAWSAccountId") or req.account
        return (str(owner), req.region, str(name)) if name else None
    url = req.param("QueueUrl")
    if not url and req.protocol == "query":
        # The query protocol may put the queue in the path (/<account>/<name>).
        url = req.path
    return r.queue_location(url, req.account, req.region)


def kms_via_sqs(req: AwsRequest, action: str, queue: Any, account: str, region: str) -> list[Check]:
    """The KMS calls SQS makes for a caller of an SSE-KMS queue (SQS Developer Guide, "Key
    management": producers need kms:GenerateDataKey and kms:Decrypt, consumers
    kms:Decrypt). The AWS managed key (alias/aws/sqs) lets every principal of the account."""
    key_ref = getattr(queue, "kms_master_key_id", None)
    if not key_ref or str(key_ref).startswith("alias/aws/"):
        return []
    key = r.find_key(str(key_ref), account, region)
    arn = key.arn if key else r.key_arn_for(str(key_ref), account, region)
    context = {
        "kms:viaservice": [f"sqs.{region}.amazonaws.com"],
        "kms:encryptioncontext:aws:sqs:arn": [r.queue_arn(account, region, queue.name)],
        "kms:encryptioncontextkeys": ["aws:sqs:arn"],
        "kms:calleraccount": [req.account],
    }
    return [
        Check(
            action,
            arn,
            context,
            resource_policy=(KMS_KEY, key) if key else None,
            owner=key.account_id if key else None,
            denied_code="KMS.AccessDeniedException",
            denied_type="KmsAccessDenied",
        )
    ]


def sqs_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    action = f"sqs:{_SQS_ACTION.get(op, op)}"
    if op == "ListQueues":
        return [Check(action, "*", {})]
    where = queue_of(req)
    if where is None:
        return [Check(action, "*", {})]
    account, region, name = where
    arn = r.queue_arn(account, region, name)
    queue = r.find_queue(account, region, name)
    if op == "CreateQueue":
        tags = {str(k): str(v) for k, v in (req.param("tags") or req.param("Tags") or {}).items()}
        checks = [Check(action, arn, request_tags(tags))]
        if tags:
            # CreateQueue API reference: tagging on create needs sqs:TagQueue as well.
            checks.append(Check("sqs:TagQueue", arn, request_tags(tags)))
        return checks
    ctx = resource_tags(r.queue_tags(queue)) if queue is not None else {}
    if op == "TagQueue":
        ctx = {**ctx, **request_tags({str(k): str(v) for k, v in (req.param("Tags") or {}).items()})}
    if op == "UntagQueue":
        ctx = {**ctx, "aws:tagkeys": list(req.param("TagKeys") or [])}
    owner = account if queue is not None else None
    checks = [Check(action, arn, ctx, (SQS_QUEUE, queue) if queue is not None else None, owner)]
    if queue is not None and op in ("SendMessage", "SendMessageBatch"):
        checks += kms_via_sqs(req, "kms:GenerateDataKey", queue, account, region)
        checks += kms_via_sqs(req, "kms:Decrypt", queue, account, region)
    if queue is not None and op == "ReceiveMessage":
        checks += kms_via_sqs(req, "kms:Decrypt", queue, account, region)
    return checks


# --- EventBridge -----------------------------------------------------------------------

_EVENTS_RULE_FIELD = {
    **dict.fromkeys(("PutRule", "DeleteRule", "DescribeRule", "EnableRule", "DisableRule"), "Name"),
    **dict.fromkeys(("PutTargets", "RemoveTargets", "ListTargetsByRule"), "Rule"),
}
_EVENTS_BUS_OPERATIONS = {
    "CreateEventBus": "Name",
    "DeleteEventBus": "Name",
    "DescribeEventBus": "Name",
    "UpdateEventBus": "Name",
    "PutPermission": "EventBusName",
    "RemovePermission": "EventBusName",
    "PutEvents": None,
}


def events_checks(req: AwsRequest) -> list[Check]:
    op = req.operation or ""
    action = f"events:{op}"
    if op in _EVENTS_RULE_FIELD:
        name = req.param(_EVENTS_RULE_FIELD[op]) or ""
        bus = r.bus_name(req.param("EventBusName"))
        arn = r.rule_arn(req.account, req.region, bus, str(name))
        ctx = resource_tags(r.events_tags(req.account, req.region, arn))
        checks: list[Check] = []
        if op == "PutRule":
            tags = _kv_tags(req.param("Tags"))
            ctx = {**ctx, **request_tags(tags), "events:creatoraccount": [req.account]}
            checks.append(Check(action, arn, ctx))
            if tags:
                checks.append(Check("events:TagResource", arn, ctx))
            if req.param("RoleArn"):
                checks += pass_role(req, req.param("RoleArn"), "events.amazonaws.com")
            return checks
        if op == "PutTargets":
            targets = [t for t in req.param("Targets") or [] if isinstance(t, dict)]
            ctx = {**ctx, "events:targetarn": [str(t.get("Arn")) for t in targets if t.get("Arn")]}
            checks.append(Check(action, arn, ctx))
            for target in targets:
                checks += pass_role(req, target.get("RoleArn"), "events.amazonaws.com")
            return checks
        return [Check(action, arn, ctx)]
    if op in _EVENTS_BUS_OPERATIONS:
        field_name = _EVENTS_BUS_OPERATIONS[op]
        if op == "PutEvents":
            checks = []
            for entry in req.param("Entries") or []:
                bus = r.bus_name(entry.get("EventBusName"))
                ctx = {
                    "events:source": [str(entry.get("Source") or "")],
                    "events:detail-type": [str(entry.get("DetailType") or "")],
                }
                checks.append(Check(action, r.event_bus_arn(req.account, req.region, bus), ctx))
            return checks
        bus = r.bus_name(req.param(field_name) if field_name else None)
        arn = r.event_bus_arn(req.account, req.region, bus)
        ctx = request_tags(_kv_tags(req.param("Tags"))) if op == "CreateEventBus" else {}
        return [Check(action, arn, ctx)]
    if op in ("TagResource", "UntagResource", "ListTagsForResource"):
        target = str(req.param("ResourceARN") or "*")
        ctx = {}
        if op == "TagResource":
            ctx = request_tags(_kv_tags(req.param("Tags")))
        if op == "UntagResource":
            ctx = {"aws:tagkeys": list(req.param("TagKeys") or [])}
        return [Check(action, target, ctx)]
    return [Check(action, "*", {})]


CHECKS: dict[str, Callable[[AwsRequest], list[Check]]] = {
    "s3": s3_checks,
    "kms": kms_checks,
    "iam": iam_checks,
    "sns": sns_checks,
    "cloudwatch": cloudwatch_checks,
    "cloudtrail": cloudtrail_checks,
    "glue": glue_checks,
    "sts": sts_checks,
    "sqs": sqs_checks,
    "events": events_checks,
}


def checks_for(req: AwsRequest) -> list[Check]:
    builder = CHECKS.get(req.iam_prefix or "")
    if builder is None:
        return []
    return builder(req)
