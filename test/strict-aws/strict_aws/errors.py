"""AWS errors as each protocol writes them, so the AWS SDKs read code, message and status
exactly as they would from AWS."""

from __future__ import annotations

import json
import uuid
from xml.sax.saxutils import escape

REST_XML = "rest-xml"
QUERY = "query"
JSON = "json"

_QUERY_NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
    "sns": "http://sns.amazonaws.com/doc/2010-03-31/",
}


#: JSON services that also answer their query-protocol error code (awsQueryCompatible).
_QUERY_COMPATIBLE = ("monitoring", "sqs")


class AwsError(Exception):
    """An error answer. `extra` adds elements to S3's <Error> (Bucket, Endpoint ...)."""

    def __init__(
        self,
        code: str,
        message: str,
        status: int = 400,
        *,
        sender: bool = True,
        headers: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
        json_type: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender = sender
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        #: The JSON protocol's error type when it differs from the (query) code: SQS answers
        #: __type KmsAccessDenied with the query code KMS.AccessDeniedException.
        self.json_type = json_type


def render(
    error: AwsError, *, protocol: str, service: str, method: str, json_version: str = "1.1"
) -> tuple[int, list[tuple[str, str]], bytes]:
    request_id = str(uuid.uuid4())
    headers = [("x-amzn-RequestId", request_id), *error.headers.items()]
    if protocol == REST_XML:
        headers.append(("x-amz-request-id", request_id.replace("-", "")[:16].upper()))
        if method == "HEAD":
            # S3 answers HEAD with the status and headers only.
            return error.status, headers, b""
        extra = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in error.extra.items())
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
            f"{extra}<RequestId>{request_id}</RequestId><HostId>strict-aws</HostId></Error>"
        )
        headers.append(("Content-Type", "application/xml"))
        return error.status, headers, body.encode()
    if protocol == QUERY:
        namespace = _QUERY_NAMESPACES.get(service, "")
        kind = "Sender" if error.sender else "Receiver"
        body = (
            f'<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
            f"<Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers.append(("Content-Type", "text/xml"))
        return error.status, headers, body.encode()
    headers.append(("Content-Type", f"application/x-amz-json-{json_version}"))
    json_type = error.json_type or error.code
    headers.append(("x-amzn-ErrorType", json_type))
    if service in _QUERY_COMPATIBLE:
        # CloudWatch and SQS speak JSON but keep their query error codes (awsQueryCompatible).
        kind = "Sender" if error.sender else "Receiver"
        headers.append(("x-amzn-query-error", f"{error.code};{kind}"))
    body = json.dumps({"__type": json_type, "message": error.message})
    return error.status, headers, body.encode()
