"""Who is calling: the account and principal behind an access key, and the identity-based
policies IAM evaluates for them.

The identity model (ADR 0007): a caller whose role or user EXISTS in its account's IAM is
held to its policies (inline versions in force, see state.effective_policy, plus attached
managed policies); a session of a role that does not exist (the harness's AssumeRole into
a fresh account) or an access key moto does not know acts as the account's administrator.
Resource policies (bucket and key policies) apply to everyone.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import get_account_id_from, iam_backends
from moto.sts.models import sts_backends

from .policy.document import Statement, parse_policy
from .policy.evaluator import Principal

PARTITION = "aws"

ADMIN = "admin"
ROLE = "role"
USER = "user"
SERVICE = "service"


@dataclass(frozen=True)
class Caller:
    account: str
    kind: str
    #: The ARN AWS names in "User: <arn> is not authorized ..." (a session ARN for roles).
    arn: str
    #: aws:PrincipalArn: the role ARN for a session, the user ARN, the root ARN.
    principal_arn: str
    name: str | None = None
    session: str | None = None
    userid: str = ""
    service: str | None = None
    extra_arns: tuple[str, ...] = field(default_factory=tuple)

    @property
    def principal(self) -> Principal:
        if self.kind == SERVICE:
            return Principal(account=self.account, service=self.service)
        arns = tuple(dict.fromkeys((self.principal_arn, self.arn, *self.extra_arns)))
        return Principal(account=self.account, arns=arns)

    @property
    def is_admin(self) -> bool:
        return self.kind == ADMIN


def service_caller(service: str, account: str) -> Caller:
    """A service principal acting on its own behalf (CloudTrail writing logs, ...)."""
    return Caller(account=account, kind=SERVICE, arn=service, principal_arn=service, service=service)


def role_session_caller(role_arn: str, session: str) -> Caller:
    """A role as a service assumes it (S3 replication, a Glue job)."""
    account = role_arn.split(":")[4]
    name = role_arn.rsplit("/", 1)[-1]
    return Caller(
        account=account,
        kind=ROLE,
        arn=f"arn:{PARTITION}:sts::{account}:assumed-role/{name}/{session}",
        principal_arn=role_arn,
        name=name,
        session=session,
        userid=f"AROA:{session}",
    )


@dataclass(frozen=True)
class _KeyInfo:
    account: str
    role_arn: str | None
    session: str | None
    user_name: str | None


class IdentityResolver:
    """Access key -> Caller. The key's account and session never change, so they are
    cached; whether the role still exists is looked up on every call."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, _KeyInfo] = {}
        self._first_seen: dict[str, float] = {}

    def first_seen(self, access_key: str | None) -> float | None:
        """When the key was first used: a session's creationDate in CloudTrail records."""
        if not access_key:
            return None
        with self._lock:
            return self._first_seen.setdefault(access_key, time.time())

    def _info(self, access_key: str) -> _KeyInfo:
        with self._lock:
            cached = self._cache.get(access_key)
        if cached:
            return cached
        account = get_account_id_from(access_key)
        info: _KeyInfo
        assumed = sts_backends[account][PARTITION].get_assumed_role_from_access_key(access_key)
        if assumed is not None:
            info = _KeyInfo(account, assumed.role_arn, assumed.session_name, None)
        else:
            user = iam_backends[account][PARTITION].get_user_from_access_key_id(access_key)
            info = _KeyInfo(account, None, None, user.name if user else None)
            if user is None:
                # Unknown key (the demo's "testing", the root keys): not cached, a user may
                # yet be created with it... never by moto, but cheap to stay honest.
                return info
        with self._lock:
            self._cache[access_key] = info
        return info

    def resolve(self, access_key: str | None) -> Caller:
        if not access_key:
            return _admin(DEFAULT_ACCOUNT_ID)
        info = self._info(access_key)
        iam = iam_backends[info.account][PARTITION]
        if info.role_arn is not None:
            name = info.role_arn.rsplit("/", 1)[-1]
            session_arn = f"arn:{PARTITION}:sts::{info.account}:assumed-role/{name}/{info.session}"
            role = _find_role_by_arn(iam, info.role_arn)
            if role is None:
                return Caller(
                    account=info.account,
                    kind=ADMIN,
                    arn=session_arn,
                    principal_arn=info.role_arn,
                    name=name,
                    session=info.session,
                    userid=f"AROAADMIN:{info.session}",
                )
            return Caller(
                account=info.account,
                kind=ROLE,
                arn=session_arn,
                principal_arn=role.arn,
                name=role.name,
                session=info.session,
                userid=f"{role.id}:{info.session}",
            )
        if info.user_name is not None:
            try:
                user = iam.get_user(info.user_name)
            except Exception:  # noqa: BLE001 - deleted since: the key no longer works
                return _admin(info.account)
            return Caller(
                account=info.account,
                kind=USER,
                arn=user.arn,
                principal_arn=user.arn,
                name=user.name,
                userid=user.id,
            )
        return _admin(info.account)


def _admin(account: str) -> Caller:
    root = f"arn:{PARTITION}:iam::{account}:root"
    return Caller(account=account, kind=ADMIN, arn=root, principal_arn=root, userid=account)


def _find_role_by_arn(iam: object, arn: str) -> object | None:
    for role in iam.get_roles():  # type: ignore[attr-defined]
        if role.arn == arn:
            return role
    return None


def find_role(account: str, role: str) -> object | None:
    """A role by ARN or by name (Glue accepts both)."""
    iam = iam_backends[account][PARTITION]
    if role.startswith("arn:"):
        return _find_role_by_arn(iam, role)
    for r in iam.get_roles():
        if r.name == role:
            return r
    return None


def _managed_documents(managed: dict[str, object]) -> list[str]:
    out: list[str] = []
    for policy in managed.values():
        for version in getattr(policy, "versions", []):
            if getattr(version, "is_default", False):
                out.append(version.document)
    return out


def identity_policies(caller: Caller, effective: object) -> list[tuple[Statement, ...]]:
    """The identity-based policies IAM evaluates for a role or user caller.

    `effective(account, key, current)` gives the inline policy version in force (the
    propagation window of rule (a)).
    """
    iam = iam_backends[caller.account][PARTITION]
    documents: list[str | None] = []
    if caller.kind == ROLE:
        role = _find_role_by_arn(iam, caller.principal_arn)
        if role is None:
            return []
        for policy_name, document in list(role.policies.items()):  # type: ignore[attr-defined]
            documents.append(effective(caller.account, ("role", role.name, policy_name), document))  # type: ignore[operator,attr-defined]
        documents.extend(_managed_documents(role.managed_policies))  # type: ignore[attr-defined]
    elif caller.kind == USER:
        try:
            user = iam.get_user(caller.name)
        except Exception:  # noqa: BLE001
            return []
        for policy_name, document in list(user.policies.items()):
            documents.append(effective(caller.account, ("user", user.name, policy_name), document))  # type: ignore[operator]
        documents.extend(_managed_documents(user.managed_policies))
        for group in iam.get_groups_for_user(user.name):
            documents.extend(group.policies.values())
            documents.extend(_managed_documents(group.managed_policies))
    out: list[tuple[Statement, ...]] = []
    for document in documents:
        if document:
            try:
                out.append(parse_policy(_decoded(document)))
            except ValueError:
                continue
    return out


def _decoded(document: str) -> str:
    # moto keeps documents as sent; the query protocol may have left them URL-encoded.
    if document.lstrip().startswith("%7B") or document.lstrip().startswith("%7b"):
        from urllib.parse import unquote

        return unquote(document)
    return document
