"""The CloudTrail record of one API call, shaped as CloudTrail writes it and as EventBridge
delivers it in an "AWS API Call via CloudTrail" event (CloudTrail User Guide, "CloudTrail
record contents"; the per-service examples: "CloudTrail log file entries for Amazon S3",
"AWS KMS: CreateKey", IAM and the others).

- eventName is the API operation, except where S3 logs another name (PutPublicAccessBlock
  is logged as PutBucketPublicAccessBlock, PutBucketLifecycleConfiguration as
  PutBucketLifecycle, ...).
- requestParameters: for JSON and query services, the request's input with every member
  name camel-cased (KeyId -> keyId, S3BucketName -> s3BucketName; a leading acronym stays:
  AWSAccountId), walked along the API's input shape so map keys (tags, SQS attributes)
  stay as sent; for S3, bucketName and Host, the sub-resource of the query string
  ("versioning": ""), and the XML body by element name with its xmlns (PutBucketPolicy:
  "bucketPolicy", the policy as JSON).
- responseElements: the response camel-cased the same way for JSON and query services
  (null when the response has no body); null for S3 bucket calls, as S3 logs them.
- userIdentity as CloudTrail writes it for an assumed role (with sessionContext and its
  sessionIssuer), an IAM user, or the account root.

Everything here is pure given the request, the response and the caller, so the table
tests can pin the shapes (tests/test_cloudtrail_records.py).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from ..identity import ADMIN, ROLE, USER, Caller

EVENT_VERSION = "1.09"
DETAIL_TYPE = "AWS API Call via CloudTrail"

#: SigV4 signing name -> (eventSource, EventBridge source).
SOURCES = {
    "s3": ("s3.amazonaws.com", "aws.s3"),
    "kms": ("kms.amazonaws.com", "aws.kms"),
    "iam": ("iam.amazonaws.com", "aws.iam"),
    "glue": ("glue.amazonaws.com", "aws.glue"),
    "monitoring": ("monitoring.amazonaws.com", "aws.cloudwatch"),
    "sns": ("sns.amazonaws.com", "aws.sns"),
    "cloudtrail": ("cloudtrail.amazonaws.com", "aws.cloudtrail"),
    "sqs": ("sqs.amazonaws.com", "aws.sqs"),
    "events": ("events.amazonaws.com", "aws.events"),
}

#: Services whose events CloudTrail records in us-east-1 whatever the caller's region.
GLOBAL_SERVICES = {"iam"}

#: S3 operations CloudTrail logs under another event name.
S3_EVENT_NAMES = {
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "DeleteBucketPublicAccessBlock",
    "PutBucketLifecycleConfiguration": "PutBucketLifecycle",
    "GetBucketLifecycleConfiguration": "GetBucketLifecycle",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "ListObjectsV2": "ListObjects",
}

#: Operations that read although their names do not say so (KMS's cryptographic calls are
#: read-only management events).
_READ_ONLY = {
    "Encrypt",
    "Decrypt",
    "ReEncrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
    "GenerateRandom",
    "GenerateMac",
    "VerifyMac",
    "Sign",
    "Verify",
    "HeadBucket",
    "HeadObject",
}
_READ_PREFIXES = ("Get", "List", "Describe", "Head", "Lookup", "Search", "BatchGet", "Test")

#: Data events (object and message level): not management events; CloudTrail records them
#: only for trails with data event selectors (S3 objects), and never for SQS messages or
#: EventBridge's PutEvents here.
_SQS_DATA = {
    "SendMessage",
    "SendMessageBatch",
    "ReceiveMessage",
    "DeleteMessage",
    "DeleteMessageBatch",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
}
_S3_BUCKET_DATA = {
    "ListObjects",
    "ListObjectsV2",
    "ListObjectVersions",
    "ListMultipartUploads",
    "DeleteObjects",
}


def is_read_only(operation: str) -> bool:
    return operation in _READ_ONLY or operation.startswith(_READ_PREFIXES)


def event_category(service: str, operation: str, has_key: bool) -> str | None:
    """ "Management", "Data", or None for calls this emulation never records."""
    if service == "s3":
        return "Data" if has_key or operation in _S3_BUCKET_DATA else "Management"
    if service == "sqs" and operation in _SQS_DATA:
        return None
    if service == "events" and operation in ("PutEvents", "PutPartnerEvents"):
        return None
    if service not in SOURCES:
        return None
    return "Management"


def event_name(service: str, operation: str) -> str:
    if service == "s3":
        return S3_EVENT_NAMES.get(operation, operation)
    return operation


# --- camel case along a shape ---------------------------------------------------------------

_LEADING_ACRONYM = re.compile(r"^[A-Z]{2,}(?=[A-Z][a-z])|^[A-Z]{2,}$")


def camel(name: str) -> str:
    """CloudTrail's member names: the first letter lowered (KeyId -> keyId, S3BucketName ->
    s3BucketName), a leading acronym kept (AWSAccountId)."""
    if not name or _LEADING_ACRONYM.match(name):
        return name
    return name[0].lower() + name[1:]


def camel_along(value: Any, shape: Any) -> Any:
    """`value` (shaped by a botocore shape) with structure member names camel-cased; map
    keys and scalars as they are."""
    if shape is None:
        return _jsonable(value)
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        out: dict[str, Any] = {}
        for name, item in value.items():
            member = shape.members.get(name)
            out[camel(name)] = camel_along(item, member)
        return out
    if kind == "list" and isinstance(value, list):
        return [camel_along(v, shape.member) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: camel_along(v, shape.value) for k, v in value.items()}
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%b %d, %Y, %I:%M:%S %p")
    if isinstance(value, bytes):
        return "HIDDEN_DUE_TO_SECURITY_REASONS"
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# --- S3 -------------------------------------------------------------------------------------


def _typed(text: Any) -> Any:
    if isinstance(text, str):
        if text in ("true", "false"):
            return text == "true"
        if text.isdigit() and len(text) < 16:
            return int(text)
    return text


def _xml_to_record(node: Any) -> Any:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            name = key[1:] if key.startswith("@") else key
            out[name] = _xml_to_record(value)
        return out
    if isinstance(node, list):
        return [_xml_to_record(v) for v in node]
    return _typed(node)


def s3_request_parameters(
    bucket: str | None,
    key: str | None,
    host: str,
    query: dict[str, list[str]],
    headers: dict[str, str],
    body: bytes,
    operation: str,
) -> dict[str, Any]:
    params: dict[str, Any] = {"Host": host}
    if bucket:
        params["bucketName"] = bucket
    if key:
        params["key"] = key
    for name, values in query.items():
        if name.lower().startswith("x-amz-"):
            continue
        params[name] = values[0] if values else ""
    for name in (
        "x-amz-acl",
        "x-amz-server-side-encryption",
        "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-bucket-object-lock-enabled",
        "x-amz-object-lock-mode",
        "x-amz-object-lock-retain-until-date",
        "x-amz-object-lock-legal-hold",
        "x-amz-bypass-governance-retention",
        "x-amz-copy-source",
    ):
        if name in headers:
            params[name] = headers[name]
    if operation in ("PutObject", "UploadPart") or not body:
        return params
    if operation == "PutBucketPolicy":
        try:
            params["bucketPolicy"] = json.loads(body)
        except ValueError:
            params["bucketPolicy"] = body.decode("utf-8", "replace")
        return params
    try:
        import xmltodict

        parsed = xmltodict.parse(body)
    except Exception:  # noqa: BLE001 - not XML: nothing more to record
        return params
    if isinstance(parsed, dict):
        params.update(_xml_to_record(parsed))
    return params


# --- who -------------------------------------------------------------------------------------


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def user_identity(caller: Caller, access_key: str | None, session_created: float | None) -> dict[str, Any]:
    base: dict[str, Any] = {"accountId": caller.account}
    if caller.session is not None and caller.kind in (ROLE, ADMIN):
        role_id = caller.userid.split(":", 1)[0]
        issuer = {
            "type": "Role",
            "principalId": role_id,
            "arn": caller.principal_arn,
            "accountId": caller.account,
            "userName": caller.name,
        }
        return {
            "type": "AssumedRole",
            "principalId": caller.userid,
            "arn": caller.arn,
            **base,
            "accessKeyId": access_key,
            "sessionContext": {
                "sessionIssuer": issuer,
                "attributes": {
                    "creationDate": iso(session_created) if session_created is not None else None,
                    "mfaAuthenticated": "false",
                },
            },
        }
    if caller.kind == USER:
        return {
            "type": "IAMUser",
            "principalId": caller.userid,
            "arn": caller.arn,
            **base,
            "accessKeyId": access_key,
            "userName": caller.name,
        }
    return {
        "type": "Root",
        "principalId": caller.account,
        "arn": caller.arn,
        **base,
        "accessKeyId": access_key,
    }


def record(
    *,
    service: str,
    operation: str,
    category: str,
    region: str,
    caller: Caller,
    access_key: str | None,
    session_created: float | None,
    source_ip: str,
    user_agent: str,
    request_parameters: Any,
    response_elements: Any,
    request_id: str,
    recipient: str,
    resources: list[dict[str, str]],
    error: tuple[str, str] | None,
    secure: bool,
    host: str,
    at: float,
) -> dict[str, Any]:
    event_source, _ = SOURCES[service]
    detail: dict[str, Any] = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": user_identity(caller, access_key, session_created),
        "eventTime": iso(at),
        "eventSource": event_source,
        "eventName": event_name(service, operation),
        "awsRegion": "us-east-1" if service in GLOBAL_SERVICES else region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
    }
    if error is not None:
        detail["errorCode"], detail["errorMessage"] = error
    detail["requestParameters"] = request_parameters
    detail["responseElements"] = None if error is not None else response_elements
    if service == "s3":
        detail["additionalEventData"] = {
            "SignatureVersion": "SigV4",
            "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": 0,
            "AuthenticationMethod": "AuthHeader",
            "x-amz-id-2": request_id,
            "bytesTransferredOut": 0,
        }
    detail["requestID"] = request_id
    detail["eventID"] = str(uuid.uuid4())
    detail["readOnly"] = is_read_only(operation)
    if resources:
        detail["resources"] = resources
    detail["eventType"] = "AwsApiCall"
    detail["managementEvent"] = category == "Management"
    detail["recipientAccountId"] = recipient
    detail["eventCategory"] = category
    if secure:
        detail["tlsDetails"] = {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": host,
        }
    return detail


def envelope(detail: dict[str, Any], service: str, at: float) -> dict[str, Any]:
    """The EventBridge event that carries a CloudTrail record (EventBridge User Guide,
    "AWS service events delivered via AWS CloudTrail")."""
    _, source = SOURCES[service]
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": DETAIL_TYPE,
        "source": source,
        "account": detail["recipientAccountId"],
        "time": iso(at),
        "region": detail["awsRegion"],
        "resources": [],
        "detail": detail,
    }
