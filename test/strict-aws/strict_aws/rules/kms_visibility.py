"""Rule (b): a new KMS key is not visible to calls that name it (by id or ARN) for a
window after CreateKey: they answer NotFoundException, as KMS does while the key
propagates. ListKeys already lists it (it reads another store)."""

from __future__ import annotations

from .. import resources as r
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Response, Runtime

_NOT_NAMING = {"CreateKey", "ListKeys", "ListAliases", "GenerateRandom"}


def not_found(arn: str) -> AwsError:
    return AwsError("NotFoundException", f"Key '{arn}' does not exist")


def invisible(rt: Runtime, key: object) -> bool:
    return rt.state.key_visibility_remaining(key.account_id, key.id) > 0  # type: ignore[attr-defined]


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "kms" or req.operation in _NOT_NAMING:
        return
    for field in ("KeyId", "TargetKeyId", "DestinationKeyId"):
        reference = req.param(field)
        if not isinstance(reference, str) or "alias/" in reference:
            continue
        key = r.find_key(reference, req.account, req.region)
        if key is not None and invisible(rt, key):
            raise not_found(key.arn)


def after(req: AwsRequest, response: Response, rt: Runtime) -> None:
    if req.iam_prefix == "kms" and req.operation == "CreateKey":
        key_id = (response.json().get("KeyMetadata") or {}).get("KeyId")
        if key_id:
            rt.state.record_key_created(req.account, key_id)
