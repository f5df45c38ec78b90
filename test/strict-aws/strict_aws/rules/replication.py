"""Rule (c), the object side: writes in a replicated bucket are queued for replication
(replication/engine.py)."""

from __future__ import annotations

from ..request import AwsRequest
from ..runtime import Response, Runtime


def after(req: AwsRequest, response: Response, rt: Runtime) -> None:
    rt.replicator.after(req, response)
