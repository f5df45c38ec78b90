"""One AWS request as the strict layer sees it: service (the SigV4 credential scope),
region, operation (X-Amz-Target for JSON protocols, Action for query protocols, moto's
botocore-model router for S3's REST paths), its parameters (parsed lazily with moto's own
protocol parsers), the caller, and the resources it names."""

from __future__ import annotations

import io
import json
import re
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, unquote

from moto.core.parse import PROTOCOL_PARSERS
from moto.core.request import Request as MotoRequest
from moto.core.request import determine_request_protocol
from moto.core.routing import get_service_router
from moto.core.utils import get_service_model

from .errors import JSON, QUERY, REST_XML
from .identity import Caller, IdentityResolver

#: The header that makes a request plain HTTP (aws:SecureTransport false); the local
#: endpoint stands for HTTPS otherwise.
TRANSPORT_HEADER = "x-strict-aws-transport"

#: SigV4 signing name -> the IAM service prefix and moto's service model name.
SERVICES = {
    "s3": ("s3", "s3"),
    "kms": ("kms", "kms"),
    "iam": ("iam", "iam"),
    "sts": ("sts", "sts"),
    "glue": ("glue", "glue"),
    "monitoring": ("cloudwatch", "cloudwatch"),
    "cloudtrail": ("cloudtrail", "cloudtrail"),
    "sns": ("sns", "sns"),
    "sqs": ("sqs", "sqs"),
    "events": ("events", "events"),
}

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")


def read_body(environ: dict[str, Any]) -> bytes:
    """Reads the whole request body once and puts it back for moto."""
    cached = environ.get("strict_aws.body")
    if cached is not None:
        return cached
    stream = environ.get("wsgi.input")
    length = environ.get("CONTENT_LENGTH")
    if stream is None:
        body = b""
    elif length:
        body = stream.read(int(length))
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["strict_aws.body"] = body
    return body


class AwsRequest:
    def __init__(self, environ: dict[str, Any], identities: IdentityResolver) -> None:
        self.environ = environ
        self._identities = identities
        self.method: str = environ.get("REQUEST_METHOD", "GET").upper()
        self.path: str = environ.get("PATH_INFO", "/")
        self.query: dict[str, list[str]] = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        auth = environ.get("HTTP_AUTHORIZATION", "")
        match = _CREDENTIAL.search(auth)
        self.access_key: str | None = match.group(1) if match else None
        self.region: str = match.group(2) if match else "us-east-1"
        self.signing_service: str | None = match.group(3).lower() if match else None
        known = SERVICES.get(self.signing_service or "")
        self.iam_prefix: str | None = known[0] if known else None
        self.model_name: str | None = known[1] if known else None
        self.target: str | None = environ.get("HTTP_X_AMZ_TARGET")
        if self.signing_service == "s3":
            self.protocol = REST_XML
        elif self.target:
            self.protocol = JSON
        else:
            self.protocol = QUERY
        self.json_version = "1.0" if "json-1.0" in environ.get("CONTENT_TYPE", "") else "1.1"
        self.http = environ.get("HTTP_" + TRANSPORT_HEADER.upper().replace("-", "_"), "") == "http"
        self._s3_match: tuple[str, dict[str, Any]] | None = None

    # --- identification ---------------------------------------------------------------

    @property
    def known(self) -> bool:
        return self.model_name is not None and self.operation is not None

    def header(self, name: str) -> str | None:
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            return self.environ.get(key)
        return self.environ.get("HTTP_" + key)

    @cached_property
    def operation(self) -> str | None:
        if self.model_name is None:
            return None
        if self.protocol == JSON:
            return self.target.split(".")[-1] if self.target else None
        if self.protocol == QUERY:
            action = self.query.get("Action")
            if action:
                return action[0]
            form = parse_qs(read_body(self.environ).decode("utf-8", "replace"))
            return form.get("Action", [None])[0]
        match = self._s3_operation()
        return match[0] if match else None

    def _s3_operation(self) -> tuple[str, dict[str, Any]] | None:
        if self._s3_match is None:
            try:
                operation, params = get_service_router("s3").match(MotoRequest(self.environ))
                self._s3_match = (operation.name, dict(params))
            except Exception:  # noqa: BLE001 - not an S3 operation we know
                return None
        return self._s3_match

    @cached_property
    def bucket(self) -> str | None:
        if self.protocol != REST_XML:
            return None
        parts = unquote(self.path).lstrip("/").split("/", 1)
        return parts[0] or None

    @cached_property
    def key(self) -> str | None:
        if self.protocol != REST_XML:
            return None
        parts = unquote(self.path).lstrip("/").split("/", 1)
        return parts[1] if len(parts) > 1 and parts[1] else None

    @cached_property
    def caller(self) -> Caller:
        return self._identities.resolve(self.access_key)

    @property
    def account(self) -> str:
        return self.caller.account

    # --- parameters -------------------------------------------------------------------

    def preload(self) -> None:
        """Buffers the body before moto reads it, so after-hooks can still parse it (moto
        reads the socket itself). Object data (PutObject, UploadPart) is left alone."""
        if self.protocol == REST_XML and self.operation in ("PutObject", "UploadPart"):
            return
        read_body(self.environ)

    @cached_property
    def params(self) -> dict[str, Any]:
        """The operation's input, shaped like the API's input structure."""
        try:
            return self._parse()
        except Exception:  # noqa: BLE001 - moto will answer the malformed request itself
            return {}

    def _parse(self) -> dict[str, Any]:
        if self.protocol == JSON:
            body = read_body(self.environ)
            return json.loads(body) if body else {}
        service_model = get_service_model(self.model_name)
        if self.protocol == REST_XML:
            match = self._s3_operation()
            if not match:
                return {}
            operation_name, uri_params = match
            if operation_name in ("PutObject", "UploadPart"):
                # Never read object data: the rules need the headers only.
                return {**uri_params}
        else:
            operation_name = self.operation or ""
            uri_params = {}
        operation_model = service_model.operation_model(operation_name)
        body = read_body(self.environ)
        request = MotoRequest(self.environ)
        try:
            protocol = determine_request_protocol(service_model, request.content_type)
            parser = PROTOCOL_PARSERS[protocol](operation_model)
            parsed = parser.parse(
                {
                    "method": self.method,
                    "values": request.values,
                    "headers": request.headers,
                    "body": body,
                    "url_path": request.path,
                    "url_params": uri_params,
                }
            )
        finally:
            # The parser read the stream: moto must find it whole again.
            self.environ["wsgi.input"] = io.BytesIO(body)
        return dict(parsed)

    def param(self, *names: str) -> Any:
        value: Any = self.params
        for name in names:
            if not isinstance(value, dict):
                return None
            value = value.get(name)
        return value

    def describe(self) -> str:
        where = f" s3://{self.bucket}/{self.key or ''}" if self.bucket else ""
        return f"{self.iam_prefix}:{self.operation}{where} ({self.region}, {self.account})"
