"""`python -m strict_aws --host 127.0.0.1 --port N [--iam-propagation-seconds S ...]`

Every setting in config.Settings is a flag (and a STRICT_AWS_<NAME> environment
variable); flags win over the environment."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from dataclasses import fields

from .config import Settings, from_environment


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="strict_aws", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("MOTO_PORT", "5000")))
    for f in fields(Settings):
        parser.add_argument("--" + f.name.replace("_", "-"), dest=f.name, default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    settings = from_environment()
    overrides = {f.name: getattr(args, f.name) for f in fields(Settings) if getattr(args, f.name) is not None}
    settings = settings.merged(overrides)

    def stop(signum: int, frame: object) -> None:
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    from .server import serve

    print(f"strict-aws on http://{args.host}:{args.port} with {settings.as_dict()}", flush=True)
    serve(args.host, args.port, settings)


if __name__ == "__main__":
    main()
