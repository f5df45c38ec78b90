"""Fault injection (rule l) and throttling on demand (rule j).

A fault matches requests by service, operation, account, region and resource (any may be
left out) and does one thing to each matching call: answer an error, hang (for some
seconds, or until the fault is cleared), reset the connection, or throttle with the
service's own shape. It applies to the next N matching calls, or to every one until
cleared. Faults are checked before anything else, as an outage would be.

Two effects act on the CloudTrail event a call produces instead of the call itself
(events/bus.py): `drop-delivery` loses the event (EventBridge gets nothing: CloudTrail's
delivery is best effort), `delay-delivery` holds it `seconds` longer (or until the fault
is cleared). They match the event's service, name (eventName), account, region and the
resources the call named.
"""

from __future__ import annotations

import fnmatch
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from .errors import AwsError
from .request import AwsRequest

ERROR = "error"
HANG = "hang"
RESET = "reset"
THROTTLE = "throttle"
DROP_DELIVERY = "drop-delivery"
DELAY_DELIVERY = "delay-delivery"
EFFECTS = (ERROR, HANG, RESET, THROTTLE, DROP_DELIVERY, DELAY_DELIVERY)
#: Effects on a call's event, not on the call.
DELIVERY_EFFECTS = (DROP_DELIVERY, DELAY_DELIVERY)


class ResetRequested(ConnectionError):
    """The connection was reset on purpose; the server treats it as a dropped client."""


def throttle_error(req: AwsRequest) -> AwsError:
    """The throttling answer each protocol family gives."""
    if req.iam_prefix == "s3":
        return AwsError("SlowDown", "Please reduce your request rate.", 503, sender=False)
    if req.iam_prefix in ("iam", "sts", "sns", "cloudwatch"):
        return AwsError("Throttling", "Rate exceeded", 400)
    return AwsError("ThrottlingException", "Rate exceeded", 400)


@dataclass
class Fault:
    id: str
    effect: str
    service: str | None = None
    operation: str | None = None
    account: str | None = None
    region: str | None = None
    resource: str | None = None
    #: Matching calls left; None: every call until cleared.
    remaining: int | None = 1
    #: HANG: seconds to hang; None: until cleared.
    seconds: float | None = None
    code: str | None = None
    message: str | None = None
    status: int = 400
    hits: int = 0
    cleared: threading.Event = field(default_factory=threading.Event)

    def matches(self, req: AwsRequest) -> bool:
        return self.matches_facts(
            (req.iam_prefix, req.signing_service),
            req.operation,
            req.account,
            req.region,
            lambda: resource_names(req),
        )

    def matches_facts(
        self,
        services: tuple[str | None, ...],
        operation: str | None,
        account: str,
        region: str,
        names: Any,
    ) -> bool:
        if self.service and self.service not in services:
            return False
        if self.operation and self.operation != operation:
            return False
        if self.account and self.account != account:
            return False
        if self.region and self.region != region:
            return False
        return not (self.resource and not any(fnmatch.fnmatchcase(n, self.resource) for n in names()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "effect": self.effect,
            "match": {
                "service": self.service,
                "operation": self.operation,
                "account": self.account,
                "region": self.region,
                "resource": self.resource,
            },
            "remaining": self.remaining,
            "seconds": self.seconds,
            "error": {"code": self.code, "message": self.message, "status": self.status},
            "hits": self.hits,
        }


_RESOURCE_FIELDS = (
    "KeyId",
    "TargetKeyId",
    "AliasName",
    "RoleName",
    "UserName",
    "Name",
    "JobName",
    "TopicArn",
    "AlarmName",
    "DashboardName",
    "TrailName",
    "ResourceArn",
    "ResourceARN",
    "QueueUrl",
    "QueueName",
    "Rule",
)


def resource_names(req: AwsRequest) -> set[str]:
    """Every resource name or ARN a request names (bucket, bucket/key, key id, role ...)."""
    names: set[str] = set()
    if req.bucket:
        names.add(req.bucket)
        if req.key:
            names.add(f"{req.bucket}/{req.key}")
        return names
    for name in _RESOURCE_FIELDS:
        value = req.param(name)
        if isinstance(value, str) and value:
            names.add(value)
    for name in ("AlarmNames", "DashboardNames"):
        value = req.param(name)
        if isinstance(value, list):
            names.update(str(v) for v in value)
    return names


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict[str, Any]) -> Fault:
        effect = spec.get("effect", ERROR)
        if effect not in EFFECTS:
            raise ValueError(f"effect must be one of {EFFECTS}")
        match = spec.get("match") or {}
        error = spec.get("error") or {}
        count = spec.get("count", 1)
        fault = Fault(
            id=f"fault-{next(self._ids)}",
            effect=effect,
            service=match.get("service"),
            operation=match.get("operation"),
            account=match.get("account"),
            region=match.get("region"),
            resource=match.get("resource"),
            remaining=None if count is None else int(count),
            seconds=None if spec.get("seconds") is None else float(spec["seconds"]),
            code=error.get("code"),
            message=error.get("message"),
            status=int(error.get("status", 400)),
        )
        if effect == ERROR and not fault.code:
            raise ValueError("an error fault needs error.code")
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self, fault_id: str | None = None, account: str | None = None) -> int:
        with self._lock:
            gone = [
                f
                for f in self._faults
                if (fault_id is None or f.id == fault_id) and (account is None or f.account == account)
            ]
            self._faults = [f for f in self._faults if f not in gone]
        for f in gone:
            f.cleared.set()
        return len(gone)

    def list(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, req: AwsRequest) -> Fault | None:
        """The first fault matching the request, its count consumed."""
        with self._lock:
            for fault in self._faults:
                if fault.effect in DELIVERY_EFFECTS or fault.remaining == 0 or not fault.matches(req):
                    continue
                fault.hits += 1
                if fault.remaining is not None:
                    # Spent faults stay listed (and clearable: a hang waits on them).
                    fault.remaining -= 1
                return fault
        return None

    def take_delivery(
        self, *, service: str, signing: str, operation: str, account: str, region: str, names: set[str]
    ) -> Fault | None:
        """The first delivery fault matching a call's event, its count consumed."""
        with self._lock:
            for fault in self._faults:
                if fault.effect not in DELIVERY_EFFECTS or fault.remaining == 0:
                    continue
                if not fault.matches_facts((service, signing), operation, account, region, lambda: names):
                    continue
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                return fault
        return None

    def apply(self, req: AwsRequest) -> None:
        fault = self.take(req)
        if fault is None:
            return
        if fault.effect == THROTTLE:
            raise throttle_error(req)
        if fault.effect == ERROR:
            raise AwsError(
                fault.code or "InternalError",
                fault.message or "injected fault",
                fault.status,
                sender=fault.status < 500,
            )
        if fault.effect == HANG:
            fault.cleared.wait(fault.seconds)
            return
        if fault.effect == RESET:
            raise ResetRequested(f"{fault.id}: connection reset on purpose")
