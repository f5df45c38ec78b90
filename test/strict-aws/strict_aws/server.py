"""Builds the strict app around moto's own WSGI app and serves it, threaded, as
moto_server does."""

from __future__ import annotations

import logging
import socket
from typing import Any

from werkzeug.serving import run_simple

from .config import Settings
from .middleware import StrictMiddleware
from .runtime import Runtime


def build_app(settings: Settings) -> tuple[StrictMiddleware, Runtime]:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from .patches import apply_all

    apply_all()
    runtime = Runtime(settings)
    moto_app = DomainDispatcherApplication(create_backend_app)
    return StrictMiddleware(moto_app, runtime), runtime


def serve(host: str, port: int, settings: Settings) -> None:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    app, _ = build_app(settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Request lines are noise at this volume; errors and rule decisions still log.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    class Handler(MotoRequestHandler):
        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            return None

    socket.setdefaulttimeout(None)
    run_simple(host, port, app, threaded=True, request_handler=Handler)
