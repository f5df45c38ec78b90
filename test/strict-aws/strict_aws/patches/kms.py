"""moto's KMS, corrected: moto applies key policies only to DescribeKey and only for a
Deny with Resource "*" (kms/policy_validator.validate_policy). Switched off: the strict
authorizer evaluates key policies for every key operation, the way KMS does."""

from __future__ import annotations

from typing import Any

from moto.kms import responses as kms_responses


def _no_policy_opinion(self: Any, key_id: str, action: str) -> None:
    return None


def apply() -> None:
    kms_responses.KmsResponse._validate_key_policy = _no_policy_opinion
