"""Windows and quotas: server-wide defaults (flags or STRICT_AWS_* environment variables),
overridable per account through the control API.

The defaults are the shortest delays real AWS is commonly seen to need, not the longest:
IAM changes typically propagate in a few seconds (the IAM User Guide warns of "eventual
consistency" without a bound), a new KMS key is visible to other KMS calls within a
couple of seconds, and S3 asks callers to wait after enabling versioning before
configuring replication. CloudTrail hands an API call's event to EventBridge within
seconds (best effort).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Settings:
    #: After CreateRole / PutRolePolicy / UpdateAssumeRolePolicy: the role is not a valid
    #: principal, not assumable by services, and a new inline policy is not in force.
    iam_propagation_seconds: float = 3.0
    #: After CreateKey: calls naming the key answer NotFoundException.
    kms_visibility_seconds: float = 2.0
    #: After versioning is Enabled: PutBucketReplication still says it is not.
    versioning_propagation_seconds: float = 2.0
    #: Delay before an object put in a replicated bucket is replicated.
    replication_delay_seconds: float = 0.2
    #: Delay before CloudTrail hands a call's event to EventBridge.
    event_delivery_seconds: float = 1.0
    #: CloudTrail: trails per region per account.
    max_trails_per_region: int = 5
    #: IAM: roles per account (RolesPerAccount).
    max_roles_per_account: int = 1000

    def merged(self, overrides: dict[str, Any]) -> Settings:
        known = {f.name: f.type for f in fields(self)}
        clean: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in known:
                raise ValueError(f"unknown setting {name!r}; known: {sorted(known)}")
            clean[name] = int(value) if name.startswith("max_") else float(value)
        return replace(self, **clean)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def env_name(field_name: str) -> str:
    return "STRICT_AWS_" + field_name.upper()


def from_environment(base: Settings | None = None) -> Settings:
    settings = base or Settings()
    overrides = {
        f.name: os.environ[env_name(f.name)] for f in fields(Settings) if env_name(f.name) in os.environ
    }
    return settings.merged(overrides)
