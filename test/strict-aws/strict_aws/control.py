"""The control API, JSON under /_strict/ on the same port (typed client:
test/harness/strict-aws.ts).

  GET    /_strict/health
  GET    /_strict/config                         server-wide settings and overrides
  PUT    /_strict/config                         {setting: value}: server-wide
  PUT    /_strict/accounts/<id>/config           {setting: value}: this account only
  POST   /_strict/accounts/<id>/settle           end every window of the account now
  POST   /_strict/accounts/<id>/reset            forget the account's strict state
  GET    /_strict/accounts/<id>/replication      ?bucket=&key=&versionId= records
  POST   /_strict/replication/drain              ?account=&timeoutSeconds= wait for the queue
  GET    /_strict/accounts/<id>/events           ?after=<seq>&eventName=&eventSource=: emitted
                                                 CloudTrail events and their deliveries
  PUT    /_strict/accounts/<id>/events           {enabled}: emission on/off for the account
  DELETE /_strict/accounts/<id>/events           forget what was emitted
  POST   /_strict/events/drain                   ?account=&timeoutSeconds= wait for delivery
  GET    /_strict/faults | POST /_strict/faults  list / add ({effect, match, count, ...})
  DELETE /_strict/faults[/<id>]                  ?account=: clear (releases hangs)
  GET    /_strict/foreign-buckets
  PUT    /_strict/foreign-buckets/<name>         {region}: held by another account
  DELETE /_strict/foreign-buckets/<name>
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from .request import read_body
from .runtime import Response, Runtime


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json(payload: Any, status: int = 200) -> Response:
    return Response(status, [("Content-Type", "application/json")], json.dumps(payload).encode())


def _body(environ: dict[str, Any]) -> dict[str, Any]:
    raw = read_body(environ)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise ControlError(400, f"body is not JSON: {error}") from error
    if not isinstance(value, dict):
        raise ControlError(400, "body must be a JSON object")
    return value


_ACCOUNT = re.compile(r"^/_strict/accounts/(\d{12})/(config|settle|reset|replication|events)$")
_FAULT = re.compile(r"^/_strict/faults/([\w-]+)$")
_FOREIGN = re.compile(r"^/_strict/foreign-buckets/([a-z0-9.\-]+)$")


def _events(
    environ: dict[str, Any], rt: Runtime, method: str, account: str, query: dict[str, str]
) -> Response:
    if method == "PUT":
        enabled = _body(environ).get("enabled")
        if not isinstance(enabled, bool):
            raise ControlError(400, "enabled (true or false) is required")
        rt.events.enable(account, enabled)
        return _json({"account": account, "enabled": enabled})
    if method == "DELETE":
        rt.events.forget(account)
        return _json({"account": account, "forgotten": True})
    records = rt.events.emitted(account, int(query.get("after", "0")))
    if query.get("eventName"):
        records = [e for e in records if e.event["detail"].get("eventName") == query["eventName"]]
    if query.get("eventSource"):
        records = [e for e in records if e.event["detail"].get("eventSource") == query["eventSource"]]
    return _json({"enabled": rt.events.enabled(account), "events": [e.as_dict() for e in records]})


def handle_control(environ: dict[str, Any], rt: Runtime) -> Response:
    try:
        return _route(environ, rt)
    except ControlError as error:
        return _json({"error": str(error)}, error.status)
    except ValueError as error:
        return _json({"error": str(error)}, 400)


def _route(environ: dict[str, Any], rt: Runtime) -> Response:
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "")
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    state = rt.state

    if path == "/_strict/health":
        return _json({"ok": True})
    if path == "/_strict/config":
        if method == "PUT":
            state.configure(None, _body(environ))
        with state.lock:
            overrides = {a: s.overrides for a, s in state.accounts.items() if s.overrides}
        return _json({"defaults": state.defaults.as_dict(), "accounts": overrides})

    match = _ACCOUNT.match(path)
    if match:
        account, what = match.groups()
        if what == "config" and method == "PUT":
            return _json(state.configure(account, _body(environ)).as_dict())
        if what == "config":
            return _json(state.settings(account).as_dict())
        if what == "settle" and method == "POST":
            state.settle(account)
            return _json({"settled": account})
        if what == "reset" and method == "POST":
            state.reset(account)
            rt.faults.clear(account=account)
            rt.events.forget(account)
            return _json({"reset": account})
        if what == "events":
            return _events(environ, rt, method, account, query)
        if what == "replication":
            bucket = query.get("bucket")
            key = query.get("key")
            if key:
                record = state.replication_record(account, bucket or "", key, query.get("versionId"))
                records = [record] if record else []
            else:
                records = state.replication_records(account, bucket)
            return _json({"records": [r.as_dict() for r in records]})

    if path == "/_strict/events/drain" and method == "POST":
        timeout = float(query.get("timeoutSeconds", "30"))
        drained = rt.events.drain(query.get("account"), timeout)
        return _json({"drained": drained}, 200 if drained else 504)

    if path == "/_strict/replication/drain" and method == "POST":
        timeout = float(query.get("timeoutSeconds", "30"))
        drained = rt.replicator.drain(query.get("account"), timeout)
        return _json({"drained": drained}, 200 if drained else 504)

    if path == "/_strict/faults":
        if method == "POST":
            return _json(rt.faults.add(_body(environ)).as_dict(), 201)
        if method == "DELETE":
            return _json({"cleared": rt.faults.clear(account=query.get("account"))})
        return _json({"faults": [f.as_dict() for f in rt.faults.list()]})
    match = _FAULT.match(path)
    if match and method == "DELETE":
        cleared = rt.faults.clear(fault_id=match.group(1))
        if not cleared:
            raise ControlError(404, f"no fault {match.group(1)}")
        return _json({"cleared": cleared})

    if path == "/_strict/foreign-buckets":
        with state.lock:
            return _json({"buckets": dict(state.foreign_buckets)})
    match = _FOREIGN.match(path)
    if match:
        name = match.group(1)
        if method == "PUT":
            region = _body(environ).get("region")
            if not isinstance(region, str) or not region:
                raise ControlError(400, "region is required")
            with state.lock:
                state.foreign_buckets[name] = region
            return _json({"bucket": name, "region": region})
        if method == "DELETE":
            with state.lock:
                state.foreign_buckets.pop(name, None)
            return _json({"bucket": name, "removed": True})

    raise ControlError(404, f"no control endpoint {method} {path}")
