"""What every rule shares: the state, the faults, the identity resolver and the
replication engine; and the response a rule's after-hook sees."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .config import Settings
from .faults import FaultBook
from .identity import IdentityResolver
from .state import StrictState


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        lower = name.lower()
        for key, value in self.headers:
            if key.lower() == lower:
                return value
        return None

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Respond(Exception):
    """A rule answers the request itself (an operation moto lacks)."""

    def __init__(self, response: Response) -> None:
        super().__init__(f"answered by the strict layer ({response.status})")
        self.response = response


def json_response(payload: Any, status: int = 200, version: str = "1.1") -> Response:
    body = json.dumps(payload, default=str).encode()
    return Response(status, [("Content-Type", f"application/x-amz-json-{version}")], body)


class Runtime:
    def __init__(self, settings: Settings) -> None:
        self.state = StrictState(settings)
        self.faults = FaultBook()
        self.identities = IdentityResolver()
        from .events.bus import Emitter
        from .replication.engine import Replicator

        self.replicator = Replicator(self)
        self.events = Emitter(self)

    def settings(self, account: str) -> Settings:
        return self.state.settings(account)
