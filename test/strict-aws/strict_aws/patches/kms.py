"""moto's KMS, corrected:

- moto applies key policies only to DescribeKey and only for a Deny with Resource "*"
  (kms/policy_validator.validate_policy). Switched off: the strict authorizer evaluates
  key policies for every key operation, the way KMS does.
- EnableKey, DisableKey, ScheduleKeyDeletion and CancelKeyDeletion accept a key ARN, as
  KMS does (moto looks the ARN up as an id and fails with an internal error).
"""

from __future__ import annotations

from typing import Any

from moto.kms import models as kms_models
from moto.kms import responses as kms_responses


def _no_policy_opinion(self: Any, key_id: str, action: str) -> None:
    return None


def _by_id(original: Any) -> Any:
    def method(self: Any, key_id: str, *args: Any, **kwargs: Any) -> Any:
        return original(self, self.get_key_id(key_id), *args, **kwargs)

    return method


def apply() -> None:
    kms_responses.KmsResponse._validate_key_policy = _no_policy_opinion
    backend = kms_models.KmsBackend
    for name in ("enable_key", "disable_key", "schedule_key_deletion", "cancel_key_deletion"):
        setattr(backend, name, _by_id(getattr(backend, name)))
