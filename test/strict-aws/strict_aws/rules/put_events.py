"""EventBridge PutEvents: sources beginning with "aws." belong to AWS services. A caller's
entry with such a source is refused on its own (NotAuthorizedForSourceException "Not
authorized for the source."); the other entries of the request go on the bus. So events
that say they come from CloudTrail were put there by AWS, which is what lets a consumer
trust an "AWS API Call via CloudTrail" event."""

from __future__ import annotations

from typing import Any

from .. import resources as r
from ..request import AwsRequest
from ..runtime import Respond, Runtime, json_response

NOT_AUTHORIZED = {
    "ErrorCode": "NotAuthorizedForSourceException",
    "ErrorMessage": "Not authorized for the source.",
}


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix != "events" or req.operation != "PutEvents":
        return
    entries: list[Any] = [e for e in req.param("Entries") or [] if isinstance(e, dict)]
    if not any(str(e.get("Source") or "").startswith("aws.") for e in entries):
        return
    backend = r.events_backend(req.account, req.region)
    results: list[dict[str, Any]] = []
    for entry in entries:
        if str(entry.get("Source") or "").startswith("aws."):
            results.append(dict(NOT_AUTHORIZED))
        else:
            results.extend(backend.put_events([entry]))
    failed = sum(1 for e in results if "ErrorCode" in e)
    raise Respond(json_response({"FailedEntryCount": failed, "Entries": results}))
