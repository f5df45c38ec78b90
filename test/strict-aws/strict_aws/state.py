"""What the strict layer remembers beyond moto's own state, per AWS account.

Test files run in parallel against one server, each in its own account, so everything
that a test may configure or observe is kept per account; foreign bucket names are global
like bucket names themselves. One lock guards it all: entries are tiny and the lock is
never held while moto works.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .config import Settings

NEVER = float("-inf")


def now() -> float:
    return time.monotonic()


@dataclass
class ReplicationRecord:
    """The fate of one source object version under a replication rule."""

    bucket: str
    key: str
    version_id: str
    status: str  # PENDING | COMPLETED | FAILED
    rule_id: str | None = None
    destination_bucket: str | None = None
    reason: str | None = None
    delete_marker: bool = False
    replica_version_id: str | None = None
    #: The account that owns the replica (the destination's with an owner override).
    replica_owner: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "bucket": self.bucket,
            "key": self.key,
            "versionId": self.version_id,
            "status": self.status,
            "ruleId": self.rule_id,
            "destinationBucket": self.destination_bucket,
            "reason": self.reason,
            "deleteMarker": self.delete_marker,
            "replicaVersionId": self.replica_version_id,
            "replicaOwner": self.replica_owner,
        }


@dataclass
class AccountState:
    overrides: dict[str, Any] = field(default_factory=dict)
    #: role ARN -> when it was created
    role_created: dict[str, float] = field(default_factory=dict)
    #: role ARN -> when its trust policy last changed (creation included)
    role_trust_changed: dict[str, float] = field(default_factory=dict)
    #: ("role"|"user", name, policy name) -> [(in force from, document or None)], oldest first
    policy_history: dict[tuple[str, str, str], list[tuple[float, str | None]]] = field(default_factory=dict)
    #: key id -> when it was created
    key_created: dict[str, float] = field(default_factory=dict)
    #: bucket -> when versioning was last turned to Enabled
    versioning_enabled: dict[str, float] = field(default_factory=dict)
    #: (bucket, key, version id) -> record
    replication: dict[tuple[str, str, str], ReplicationRecord] = field(default_factory=dict)


class StrictState:
    def __init__(self, defaults: Settings) -> None:
        self.lock = threading.RLock()
        self.defaults = defaults
        self.accounts: dict[str, AccountState] = {}
        #: bucket name -> region, held by "another account" nobody can act as
        self.foreign_buckets: dict[str, str] = {}

    # --- accounts and settings ------------------------------------------------------

    def account(self, account_id: str) -> AccountState:
        with self.lock:
            state = self.accounts.get(account_id)
            if state is None:
                state = self.accounts[account_id] = AccountState()
            return state

    def settings(self, account_id: str) -> Settings:
        with self.lock:
            state = self.accounts.get(account_id)
            if state is None or not state.overrides:
                return self.defaults
            return self.defaults.merged(state.overrides)

    def configure(self, account_id: str | None, overrides: dict[str, Any]) -> Settings:
        with self.lock:
            if account_id is None:
                self.defaults = self.defaults.merged(overrides)
                return self.defaults
            self.defaults.merged(overrides)  # validates
            self.account(account_id).overrides.update(overrides)
            return self.settings(account_id)

    def reset(self, account_id: str) -> None:
        with self.lock:
            self.accounts.pop(account_id, None)

    def settle(self, account_id: str) -> None:
        """Ends every window of the account now: as if a person had waited."""
        with self.lock:
            state = self.account(account_id)
            for table in (state.role_created, state.role_trust_changed):
                for arn in table:
                    table[arn] = NEVER
            for k in state.key_created:
                state.key_created[k] = NEVER
            for b in state.versioning_enabled:
                state.versioning_enabled[b] = NEVER
            for k, history in state.policy_history.items():
                state.policy_history[k] = [(NEVER, history[-1][1])] if history else []

    # --- windows ----------------------------------------------------------------------

    def _remaining(self, since: float | None, window: float) -> float:
        if since is None:
            return 0.0
        return max(0.0, since + window - now())

    def role_created_remaining(self, account_id: str, role_arn: str) -> float:
        with self.lock:
            state = self.accounts.get(account_id)
            since = state.role_created.get(role_arn) if state else None
            return self._remaining(since, self.settings(account_id).iam_propagation_seconds)

    def role_assumable_remaining(self, account_id: str, role_arn: str) -> float:
        with self.lock:
            state = self.accounts.get(account_id)
            if not state:
                return 0.0
            window = self.settings(account_id).iam_propagation_seconds
            return max(
                self._remaining(state.role_created.get(role_arn), window),
                self._remaining(state.role_trust_changed.get(role_arn), window),
            )

    def key_visibility_remaining(self, account_id: str, key_id: str) -> float:
        with self.lock:
            state = self.accounts.get(account_id)
            since = state.key_created.get(key_id) if state else None
            return self._remaining(since, self.settings(account_id).kms_visibility_seconds)

    def versioning_remaining(self, account_id: str, bucket: str) -> float:
        with self.lock:
            state = self.accounts.get(account_id)
            since = state.versioning_enabled.get(bucket) if state else None
            return self._remaining(since, self.settings(account_id).versioning_propagation_seconds)

    # --- records ----------------------------------------------------------------------

    def record_role_created(self, account_id: str, role_arn: str) -> None:
        with self.lock:
            state = self.account(account_id)
            t = now()
            state.role_created[role_arn] = t
            state.role_trust_changed[role_arn] = t

    def record_role_trust_changed(self, account_id: str, role_arn: str) -> None:
        with self.lock:
            self.account(account_id).role_trust_changed[role_arn] = now()

    def forget_role(self, account_id: str, role_name: str) -> None:
        with self.lock:
            state = self.account(account_id)
            for table in (state.role_created, state.role_trust_changed):
                for arn in [a for a in table if a.rsplit("/", 1)[-1] == role_name]:
                    del table[arn]
            for k in [k for k in state.policy_history if k[0] == "role" and k[1] == role_name]:
                del state.policy_history[k]

    def record_policy_change(
        self,
        account_id: str,
        key: tuple[str, str, str],
        previous: str | None,
        document: str | None,
    ) -> None:
        with self.lock:
            state = self.account(account_id)
            window = self.settings(account_id).iam_propagation_seconds
            history = state.policy_history.setdefault(key, [(NEVER, previous)])
            history.append((now() + window, document))
            # Versions already in force before the newest one in force are history.
            t = now()
            in_force = [i for i, (since, _) in enumerate(history) if since <= t]
            if len(in_force) > 1:
                del history[: in_force[-1]]

    def effective_policy(self, account_id: str, key: tuple[str, str, str], current: str | None) -> str | None:
        """The version of an inline policy IAM evaluates now (the previous one, or none,
        until the newest has propagated)."""
        with self.lock:
            state = self.accounts.get(account_id)
            history = state.policy_history.get(key) if state else None
            if not history:
                return current
            t = now()
            effective: str | None = None
            for since, document in history:
                if since <= t:
                    effective = document
            return effective

    def record_key_created(self, account_id: str, key_id: str) -> None:
        with self.lock:
            self.account(account_id).key_created[key_id] = now()

    def record_versioning_enabled(self, account_id: str, bucket: str) -> None:
        with self.lock:
            self.account(account_id).versioning_enabled[bucket] = now()

    def record_replication(self, account_id: str, record: ReplicationRecord) -> None:
        with self.lock:
            key = (record.bucket, record.key, record.version_id)
            self.account(account_id).replication[key] = record

    def replication_record(
        self, account_id: str, bucket: str, key: str, version_id: str | None
    ) -> ReplicationRecord | None:
        with self.lock:
            state = self.accounts.get(account_id)
            if not state:
                return None
            if version_id:
                return state.replication.get((bucket, key, version_id))
            matches = [r for (b, k, _), r in state.replication.items() if b == bucket and k == key]
            return matches[-1] if matches else None

    def replication_records(self, account_id: str, bucket: str | None) -> list[ReplicationRecord]:
        with self.lock:
            state = self.accounts.get(account_id)
            if not state:
                return []
            return [r for r in state.replication.values() if bucket is None or r.bucket == bucket]
