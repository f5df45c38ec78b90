"""moto's SQS, corrected:

- a queue URL names its account (`.../<account>/<name>`), and SQS serves the queue of
  that account (cross-account access, decided by the queue policy); GetQueueUrl honours
  QueueOwnerAWSAccountId. moto looks every queue up in the caller's account, so another
  account's queue "does not exist";
- sending a message no longer costs time proportional to the messages already queued:
  moto reads the queue's whole attribute map (three passes over every message for the
  Approximate* counts) to learn whether content-based deduplication is on, so a queue
  filling with a burst of events slowed every send quadratically. While a message is
  sent, those counts are not computed (nothing there reads them);
- SetQueueAttributes changes only the attributes it names: moto set the queue policy to
  whatever the call carried, so a call that set only VisibilityTimeout deleted the
  policy (and every EventBridge delivery to the queue failed NO_PERMISSIONS after it)."""

from __future__ import annotations

import threading
from typing import Any

from moto.sqs import models as sqs_models
from moto.sqs import responses as sqs_responses
from moto.sqs.models import sqs_backends

_sending = threading.local()
_COUNTS = (
    "approximate_number_of_messages",
    "approximate_number_of_messages_delayed",
    "approximate_number_of_messages_not_visible",
)


def _owner(self: Any) -> str:
    try:
        url = self._get_param("QueueUrl")
    except Exception:  # noqa: BLE001 - no such parameter
        url = None
    if isinstance(url, str) and "://" in url:
        pieces = [p for p in url.split("://", 1)[1].split("/") if p]
        if len(pieces) >= 3 and pieces[-2].isdigit() and len(pieces[-2]) == 12:
            return pieces[-2]
    try:
        owner = self._get_param("QueueOwnerAWSAccountId")
    except Exception:  # noqa: BLE001
        owner = None
    return str(owner) if owner else self.current_account


def _sqs_backend(self: Any) -> Any:
    return sqs_backends[_owner(self)][self.region]


def _while_sending(original: Any) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        _sending.depth = getattr(_sending, "depth", 0) + 1
        try:
            return original(self, *args, **kwargs)
        finally:
            _sending.depth -= 1

    return method


def _uncounted_while_sending(original: property) -> property:
    def count(self: Any) -> int:
        if getattr(_sending, "depth", 0):
            return 0
        return original.fget(self)  # type: ignore[misc]

    return property(count)


def _keeping_policy(original: Any) -> Any:
    def method(self: Any, attributes: dict[str, Any], now: float | None = None) -> None:
        kept = getattr(self, "policy", None)
        original(self, attributes, now)
        if "Policy" not in attributes:
            self.policy = kept

    return method


def apply() -> None:
    sqs_models.Queue._set_attributes = _keeping_policy(sqs_models.Queue._set_attributes)
    sqs_responses.SQSResponse.sqs_backend = property(_sqs_backend)
    backend = sqs_models.SQSBackend
    backend.send_message = _while_sending(backend.send_message)
    backend.send_message_batch = _while_sending(backend.send_message_batch)
    for name in _COUNTS:
        setattr(sqs_models.Queue, name, _uncounted_while_sending(getattr(sqs_models.Queue, name)))
