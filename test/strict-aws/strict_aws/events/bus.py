"""CloudTrail to EventBridge: every call of a service Seawall manages (S3 bucket
configuration, KMS, IAM, Glue, CloudWatch, SNS, CloudTrail, SQS queues, EventBridge rules)
that a logging trail of the account records becomes an "AWS API Call via CloudTrail" event
on the account's default event bus in the call's region (us-east-1 for IAM), after a short
delay (`event_delivery_seconds`, default 1 s: CloudTrail hands events to EventBridge
within seconds, best effort). Refused and failed calls are recorded too, with errorCode and
errorMessage, as CloudTrail records them. A call on another account's resource (a bucket,
key or queue) is recorded in both accounts. Read-only calls become events only for rules
in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (and only while such a rule exists,
to keep the common path cheap).

The emitter keeps what it emitted per account (the control API reads it back for tests),
can be switched off per account, and honours the delivery faults `drop-delivery` and
`delay-delivery` (faults.py).
"""

from __future__ import annotations

import copy
import heapq
import itertools
import logging
import threading
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING, Any

from .. import resources as r
from ..faults import DELAY_DELIVERY, DROP_DELIVERY, Fault, resource_names
from ..state import now
from . import cloudtrail as ct
from .coverage import Call, recorded
from .delivery import ALL_MANAGEMENT, Outcome, deliver

if TYPE_CHECKING:
    from ..errors import AwsError
    from ..request import AwsRequest
    from ..runtime import Response, Runtime

log = logging.getLogger("strict_aws.events")

PENDING = "pending"
DELIVERED = "delivered"
DROPPED = "dropped"

#: Events kept per account for the control API.
KEPT = 5000


@dataclass
class Emitted:
    seq: int
    account: str
    region: str
    event: dict[str, Any]
    status: str = PENDING
    deliveries: list[Outcome] = field(default_factory=list)
    emitted_at: float = field(default_factory=time.time)
    delivered_at: float | None = None

    def as_dict(self) -> dict[str, Any]:
        detail = self.event["detail"]
        return {
            "seq": self.seq,
            "id": self.event["id"],
            "eventID": detail.get("eventID"),
            "eventName": detail.get("eventName"),
            "eventSource": detail.get("eventSource"),
            "region": self.region,
            "status": self.status,
            "emittedAt": ct.iso(self.emitted_at),
            "deliveredAt": ct.iso(self.delivered_at) if self.delivered_at else None,
            "deliveries": [d.as_dict() for d in self.deliveries],
            "event": self.event,
        }


@dataclass(order=True)
class _Task:
    due: float
    seq: int
    emitted: Emitted = field(compare=False)
    hold: Fault | None = field(compare=False, default=None)


def _moto_send(rule: Any, target: dict[str, Any], event: dict[str, Any]) -> None:
    """moto's own delivery, for one target (log groups, archives, buses ...)."""
    from ..patches.events import original_send_to_targets

    single = copy.copy(rule)
    single.targets = [target]
    event = copy.deepcopy(event)
    if isinstance(event.get("time"), str):
        # moto's own targets take the time as a number (and format it themselves).
        from datetime import datetime

        event["time"] = datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    original_send_to_targets(single, event)


class Emitter:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._lock = threading.Lock()
        self._log: dict[str, deque[Emitted]] = {}
        self._disabled: set[str] = set()
        self._seq = itertools.count(1)
        self._queue: list[_Task] = []
        self._cv = threading.Condition()
        self._busy = 0
        self._thread = threading.Thread(target=self._run, name="strict-aws-events", daemon=True)
        self._thread.start()

    # --- switches and records -------------------------------------------------------------

    def enable(self, account: str, enabled: bool) -> None:
        with self._lock:
            if enabled:
                self._disabled.discard(account)
            else:
                self._disabled.add(account)

    def enabled(self, account: str) -> bool:
        with self._lock:
            return account not in self._disabled

    def forget(self, account: str) -> None:
        with self._lock:
            self._log.pop(account, None)
            self._disabled.discard(account)

    def emitted(self, account: str, after: int = 0) -> list[Emitted]:
        with self._lock:
            return [e for e in self._log.get(account, ()) if e.seq > after]

    # --- intake ---------------------------------------------------------------------------

    def before(self, req: AwsRequest) -> None:
        """A trail being stopped or deleted records the call that stops it: remember
        whether the account was recorded before the call."""
        if req.signing_service != "cloudtrail":
            return
        call = self._call(req, req.account)
        if call is not None:
            req.environ["strict_aws.recorded_before"] = recorded(req.account, call)

    def observe(self, req: AwsRequest, response: Response | None, error: AwsError | None) -> None:
        try:
            self._observe(req, response, error)
        except Exception:  # noqa: BLE001 - an event must never break the call
            log.error("could not record %s:\n%s", req.describe(), traceback.format_exc())

    def _call(self, req: AwsRequest, account: str) -> Call | None:
        service = req.signing_service or ""
        operation = req.operation or ""
        if service not in ct.SOURCES:
            return None
        category = ct.event_category(service, operation, bool(req.key))
        if category is None:
            return None
        global_service = service in ct.GLOBAL_SERVICES
        resource_type = resource_arn = None
        if category == "Data" and req.bucket:
            resource_type = "AWS::S3::Object"
            resource_arn = r.object_arn(req.bucket, req.key or "")
        return Call(
            category=category,
            read_only=ct.is_read_only(operation),
            event_source=ct.SOURCES[service][0],
            event_name=ct.event_name(service, operation),
            region="us-east-1" if global_service else req.region,
            global_service=global_service,
            resource_type=resource_type,
            resource_arn=resource_arn,
        )

    def _recipients(
        self, req: AwsRequest, response: Response | None
    ) -> tuple[list[str], list[dict[str, str]]]:
        """The accounts that record the call (the caller's, and a resource owner's) and the
        resources the record names."""
        accounts = [req.account]
        resources: list[dict[str, str]] = []
        service = req.signing_service
        owner: str | None = None
        if service == "s3" and req.bucket:
            bucket = r.find_bucket(req.bucket)
            owner = bucket.account_id if bucket is not None else None
            resources.append(
                {
                    "accountId": owner or req.account,
                    "type": "AWS::S3::Bucket",
                    "ARN": r.bucket_arn(req.bucket),
                }
            )
            if req.key:
                resources.insert(0, {"type": "AWS::S3::Object", "ARN": r.object_arn(req.bucket, req.key)})
        elif service == "kms":
            key = None
            for name in ("KeyId", "TargetKeyId"):
                reference = req.param(name)
                if isinstance(reference, str) and reference:
                    key = r.find_key(reference, req.account, req.region)
                    if key is not None:
                        break
            if key is None and response is not None and req.operation == "CreateKey":
                key = r.find_key(
                    (response.json().get("KeyMetadata") or {}).get("Arn"), req.account, req.region
                )
            if key is not None:
                owner = key.account_id
                resources.append({"accountId": key.account_id, "type": "AWS::KMS::Key", "ARN": key.arn})
        elif service == "sqs":
            from ..authz.actions import queue_of

            where = queue_of(req)
            owner = where[0] if where else None
        if owner and owner != req.account:
            accounts.append(owner)
        return accounts, resources

    def _any_all_management_rule(self, account: str, region: str) -> bool:
        from moto.events.models import events_backends

        per_account = dict.get(events_backends, account)
        backend = dict.get(per_account, region) if per_account else None
        if backend is None:
            return False
        bus = backend.event_buses.get("default")
        return bus is not None and any(rule.state == ALL_MANAGEMENT for rule in list(bus.rules.values()))

    def _observe(self, req: AwsRequest, response: Response | None, error: AwsError | None) -> None:
        call = self._call(req, req.account)
        if call is None:
            return  # not a call CloudTrail hands to EventBridge here (STS, data events ...)
        if response is not None and not response.ok and error is None:
            error = _error_of(req, response)
        accounts, resources = self._recipients(req, response)
        detail: dict[str, Any] | None = None
        at = time.time()
        for account in accounts:
            if not self.enabled(account):
                continue
            if not (recorded(account, call) or req.environ.get("strict_aws.recorded_before")):
                continue
            if call.read_only and not self._any_all_management_rule(account, call.region):
                continue
            if detail is None:
                detail = self._detail(req, response, error, resources, at)
            one = dict(detail, recipientAccountId=account)
            self._enqueue(account, call.region, ct.envelope(one, req.signing_service or "", at), req)

    def _detail(
        self,
        req: AwsRequest,
        response: Response | None,
        error: AwsError | None,
        resources: list[dict[str, str]],
        at: float,
    ) -> dict[str, Any]:
        service = req.signing_service or ""
        operation = req.operation or ""
        request_id = None
        if response is not None:
            request_id = response.header("x-amzn-RequestId") or response.header("x-amz-request-id")
        host = req.environ.get("HTTP_HOST", "")
        return ct.record(
            service=service,
            operation=operation,
            category=ct.event_category(service, operation, bool(req.key)) or "Management",
            region=req.region,
            caller=req.caller,
            access_key=req.access_key,
            session_created=self.runtime.identities.first_seen(req.access_key),
            source_ip=req.environ.get("REMOTE_ADDR", "127.0.0.1"),
            user_agent=req.environ.get("HTTP_USER_AGENT", ""),
            request_parameters=_request_parameters(req),
            response_elements=_response_elements(req, response) if error is None else None,
            request_id=request_id or ct.uuid.uuid4().hex.upper()[:16],
            recipient=req.account,
            resources=resources,
            error=(error.code, error.message) if error is not None else None,
            secure=not req.http,
            host=host,
            at=at,
        )

    def _enqueue(self, account: str, region: str, event: dict[str, Any], req: AwsRequest) -> None:
        emitted = Emitted(seq=next(self._seq), account=account, region=region, event=event)
        with self._lock:
            self._log.setdefault(account, deque(maxlen=KEPT)).append(emitted)
        fault = self.runtime.faults.take_delivery(
            service=req.iam_prefix or "",
            signing=req.signing_service or "",
            operation=event["detail"]["eventName"],
            account=account,
            region=region,
            names=resource_names(req),
        )
        delay = self.runtime.settings(account).event_delivery_seconds
        hold = None
        if fault is not None and fault.effect == DROP_DELIVERY:
            emitted.status = DROPPED
            log.info("event %s (%s) dropped by %s", event["id"], event["detail"]["eventName"], fault.id)
            return
        if fault is not None and fault.effect == DELAY_DELIVERY:
            if fault.seconds is None:
                hold = fault
            else:
                delay += fault.seconds
        task = _Task(due=now() + delay, seq=emitted.seq, emitted=emitted, hold=hold)
        with self._cv:
            heapq.heappush(self._queue, task)
            self._cv.notify_all()

    # --- the worker -----------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._queue or self._queue[0].due > now():
                    timeout = None if not self._queue else max(0.0, self._queue[0].due - now())
                    self._cv.wait(timeout)
                task = heapq.heappop(self._queue)
                if task.hold is not None and not task.hold.cleared.is_set():
                    # Held until its fault is cleared.
                    task.due = now() + 0.05
                    heapq.heappush(self._queue, task)
                    continue
                self._busy += 1
            try:
                self._deliver(task.emitted)
            except Exception:  # noqa: BLE001 - one event must not stop the bus
                log.error("delivering event %s failed:\n%s", task.emitted.event["id"], traceback.format_exc())
            finally:
                with self._cv:
                    self._busy -= 1
                    self._cv.notify_all()

    def _deliver(self, emitted: Emitted) -> None:
        backend = r.events_backend(emitted.account, emitted.region)
        bus = backend.event_buses.get("default")
        outcomes: list[Outcome] = []
        for rule in list(bus.rules.values()) if bus is not None else []:
            outcomes += deliver(rule, emitted.event, _moto_send)
        emitted.deliveries = outcomes
        emitted.status = DELIVERED
        emitted.delivered_at = time.time()

    def drain(self, account: str | None, timeout: float) -> bool:
        """Waits until no event (of the account) waits for delivery; held events count."""
        deadline = now() + timeout
        with self._cv:
            while True:
                pending = [t for t in self._queue if account is None or t.emitted.account == account]
                if not pending and self._busy == 0:
                    return True
                left = deadline - now()
                if left <= 0:
                    return False
                self._cv.wait(min(left, 0.05))


# --- parameters and responses ----------------------------------------------------------------


def _error_of(req: AwsRequest, response: Response) -> AwsError:
    from ..errors import AwsError

    code = message = ""
    content_type = response.header("Content-Type") or ""
    if "json" in content_type:
        body = response.json()
        code = str(body.get("__type") or body.get("code") or "").rsplit("#", 1)[-1]
        message = str(body.get("message") or body.get("Message") or "")
    else:
        import re

        text = response.body.decode("utf-8", "replace")
        found = re.search(r"<Code>([^<]*)</Code>", text)
        code = found.group(1) if found else ""
        found = re.search(r"<Message>([^<]*)</Message>", text)
        message = found.group(1) if found else ""
    return AwsError(code or f"HTTP{response.status}", message, response.status)


def _request_parameters(req: AwsRequest) -> Any:
    service = req.signing_service or ""
    if service == "s3":
        from ..request import read_body

        headers = {
            key[5:].lower().replace("_", "-"): value
            for key, value in req.environ.items()
            if key.startswith("HTTP_X_AMZ_")
        }
        body = b"" if req.operation in ("PutObject", "UploadPart") else read_body(req.environ)
        return ct.s3_request_parameters(
            req.bucket,
            req.key,
            req.environ.get("HTTP_HOST", ""),
            req.query,
            headers,
            body,
            req.operation or "",
        )
    shape = _shape(req, "input")
    params = req.params
    if not params:
        return None
    return ct.camel_along(params, shape)


def _shape(req: AwsRequest, which: str) -> Any:
    try:
        from moto.core.utils import get_service_model

        operation = get_service_model(req.model_name).operation_model(req.operation)
        return operation.input_shape if which == "input" else operation.output_shape
    except Exception:  # noqa: BLE001 - an operation the model does not know
        return None


def _response_elements(req: AwsRequest, response: Response | None) -> Any:
    if response is None or req.signing_service == "s3" or not response.body:
        return None
    shape = _shape(req, "output")
    if shape is None:
        return None
    try:
        if req.protocol == "json":
            parsed = response.json()
        else:
            from botocore import parsers

            parsed = parsers.QueryParser().parse(
                {"body": response.body, "headers": dict(response.headers), "status_code": response.status},
                shape,
            )
            parsed.pop("ResponseMetadata", None)
    except Exception:  # noqa: BLE001 - not worth failing the record over
        return None
    return ct.camel_along(parsed, shape) if parsed else None
