"""moto's SQS, corrected: a queue URL names its account (`.../<account>/<name>`), and SQS
serves the queue of that account (cross-account access, decided by the queue policy);
GetQueueUrl honours QueueOwnerAWSAccountId. moto looks every queue up in the caller's
account, so another account's queue "does not exist"."""

from __future__ import annotations

from typing import Any

from moto.sqs import responses as sqs_responses
from moto.sqs.models import sqs_backends


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


def apply() -> None:
    sqs_responses.SQSResponse.sqs_backend = property(_sqs_backend)
