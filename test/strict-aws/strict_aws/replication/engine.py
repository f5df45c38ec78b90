"""S3 replication, performed (rule c).

An object version written to a bucket whose replication configuration has a matching
enabled rule is queued (PENDING) and, after a short delay, replicated by a worker thread
acting as the rule's role, the way S3 does it (S3 User Guide, "Replicating objects
overview", "Setting up permissions for live replication", "Replicating encrypted
objects"; and "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys", section
"S3 Bucket Keys and replication"):

- s3.amazonaws.com must be able to assume the role (exists, trusts S3, propagated);
- the role's IAM policy (and the buckets' policies) must allow
  s3:GetObjectVersionForReplication (+ ...Tagging when the object has tags) on the source
  object and s3:ReplicateObject (s3:ReplicateDelete for delete markers, s3:ReplicateTags
  for tags) on the destination object;
- SSE-KMS objects replicate only when the rule selects SseKmsEncryptedObjects and names a
  ReplicaKmsKeyID; the role needs kms:Decrypt on the source key and kms:Encrypt on the
  replica key — and kms:Decrypt on the replica key as well when the destination bucket
  uses an S3 Bucket Key — each allowed by the role's IAM policy AND the key's policy, with
  kms:ViaService = s3.<region>.amazonaws.com and kms:EncryptionContext:aws:s3:arn = the
  bucket ARN (bucket key) or the object ARN; both keys must be Enabled.
Across accounts (S3 User Guide, "Configuring replication for buckets in different
accounts", "Changing the replica owner"): the destination bucket's policy must allow the
source's role those actions too (and its own IAM policy as well: cross-account needs
both); the replica key's policy must name the role or its account (a key policy that only
trusts its own account root does not let another account's role use it); with
AccessControlTranslation Owner=Destination the role also needs
s3:ObjectOwnerOverrideToBucketOwner on the destination (policy and bucket policy) and the
replica is owned by the destination account, as it is when the destination enforces bucket
ownership (S3's default); otherwise the source account owns it. A source bucket with Object
Lock needs s3:GetObjectRetention and s3:GetObjectLegalHold for the role.

Success writes the replica (same key and version id, ReplicationStatus REPLICA, SSE-KMS
with the replica key, the rule's storage class; the source version's Object Lock
retention and legal hold, or the destination's default retention) and marks the source
COMPLETED; otherwise FAILED, with the reason kept for introspection (control API).

Replication metrics (S3 User Guide, "Monitoring progress with replication metrics"): for a
rule with Metrics enabled (and always with Replication Time Control, which requires
them), the engine publishes to CloudWatch, namespace AWS/S3, dimensions SourceBucket,
DestinationBucket and RuleId, in the source bucket's account and region:
OperationsPendingReplication and BytesPendingReplication when an object is queued and when
it is done, ReplicationLatency (seconds from the source version's creation to the replica)
on success, OperationsFailedReplication on failure.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import resources as r
from ..authz.actions import KMS_KEY, S3_BUCKET, Check
from ..authz.decide import base_context, decide, denial_message
from ..identity import role_session_caller
from ..state import ReplicationRecord, now
from .rules import (
    deletes_replicated,
    destination_bucket,
    kms_objects_selected,
    matching_rule,
    metrics_enabled,
    owner_override,
    replica_key,
)

if TYPE_CHECKING:
    from ..request import AwsRequest
    from ..runtime import Response, Runtime

log = logging.getLogger("strict_aws.replication")

PENDING = "PENDING"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
REPLICA = "REPLICA"

_WRITES = {"PutObject", "CopyObject", "CompleteMultipartUpload"}


@dataclass(order=True)
class _Task:
    due: float
    seq: int
    account: str = field(compare=False)
    bucket: str = field(compare=False)
    key: str = field(compare=False)
    version_id: str = field(compare=False)
    role: str = field(compare=False)
    rule: dict[str, Any] = field(compare=False)
    delete_marker: bool = field(compare=False, default=False)


def replication_config(bucket: Any) -> dict[str, Any] | None:
    return getattr(bucket, "strict_replication", None)


def _replica_retention(version: Any, destination: Any) -> tuple[str | None, str | None]:
    """A replica keeps the source version's retention; without one it takes the
    destination's default retention (S3 User Guide, "Using Object Lock with S3
    Replication")."""
    if not getattr(destination, "object_lock_enabled", False):
        return None, None
    mode = getattr(version, "lock_mode", None)
    until = getattr(version, "lock_until", None)
    if mode and until:
        return mode, until
    if destination.has_default_lock:
        return destination.default_lock_mode, destination.default_retention()
    return None, None


class Replicator:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._queue: list[_Task] = []
        self._seq = itertools.count()
        self._cv = threading.Condition()
        self._busy = 0
        self._thread = threading.Thread(target=self._run, name="strict-aws-replication", daemon=True)
        self._thread.start()

    # --- intake (after-hook of object writes) -------------------------------------------

    def after(self, req: AwsRequest, response: Response) -> None:
        if req.iam_prefix != "s3" or not req.key:
            return
        op = req.operation
        delete_marker = op == "DeleteObject" and response.header("x-amz-delete-marker") == "true"
        if op not in _WRITES and not delete_marker:
            return
        if op == "DeleteObject" and req.query.get("versionId"):
            return  # deleting a version is never replicated
        bucket = r.find_bucket(req.bucket)
        config = replication_config(bucket) if bucket is not None else None
        version_id = response.header("x-amz-version-id")
        if not config or not version_id or version_id == "null":
            return
        version = r.object_version(bucket, req.key, version_id)
        if version is None:
            return
        tags = {} if delete_marker else r.object_tags(bucket.account_id, version)
        rule = matching_rule(config, req.key, tags)
        if rule is None:
            return
        if delete_marker and not deletes_replicated(rule):
            return
        if (
            not delete_marker
            and getattr(version, "encryption", None) == "aws:kms"
            and not kms_objects_selected(rule)
        ):
            return  # S3 replicates SSE-KMS objects only when the rule opts in
        record = ReplicationRecord(
            bucket=bucket.name,
            key=req.key,
            version_id=version_id,
            status=PENDING,
            rule_id=rule.get("ID"),
            destination_bucket=destination_bucket(rule),
            delete_marker=delete_marker,
        )
        if not delete_marker:
            version.strict_replication_status = PENDING
        self.runtime.state.record_replication(bucket.account_id, record)
        delay = self.runtime.settings(bucket.account_id).replication_delay_seconds
        task = _Task(
            due=now() + delay,
            seq=next(self._seq),
            account=bucket.account_id,
            bucket=bucket.name,
            key=req.key,
            version_id=version_id,
            role=config.get("Role") or "",
            rule=rule,
            delete_marker=delete_marker,
        )
        with self._cv:
            heapq.heappush(self._queue, task)
            self._cv.notify_all()
        self._publish_pending(task)

    # --- metrics ------------------------------------------------------------------------

    def _pending(self, task: _Task) -> tuple[int, int]:
        """(operations, bytes) still pending for the task's rule and destination."""
        state = self.runtime.state
        records = [
            rec
            for rec in state.replication_records(task.account, task.bucket)
            if rec.status == PENDING
            and rec.rule_id == task.rule.get("ID")
            and rec.destination_bucket == destination_bucket(task.rule)
        ]
        size = 0
        bucket = r.find_bucket(task.bucket)
        for rec in records:
            version = r.object_version(bucket, rec.key, rec.version_id) if bucket is not None else None
            size += (
                int(getattr(version, "size", 0) or 0) if version is not None and not rec.delete_marker else 0
            )
        return len(records), size

    def _put_metrics(self, task: _Task, values: list[tuple[str, float, str]]) -> None:
        if not metrics_enabled(task.rule):
            return
        source = r.find_bucket(task.bucket)
        if source is None:
            return
        dimensions = [
            {"Name": "SourceBucket", "Value": task.bucket},
            {"Name": "DestinationBucket", "Value": destination_bucket(task.rule) or ""},
            {"Name": "RuleId", "Value": str(task.rule.get("ID") or "")},
        ]
        try:
            from moto.cloudwatch.models import cloudwatch_backends

            cloudwatch_backends[source.account_id][source.region_name].put_metric_data(
                "AWS/S3",
                [
                    {"MetricName": name, "Value": value, "Unit": unit, "Dimensions": dimensions}
                    for name, value, unit in values
                ],
            )
        except Exception:
            log.debug("could not publish replication metrics for %s", task.bucket, exc_info=True)

    def _publish_pending(self, task: _Task) -> None:
        if not metrics_enabled(task.rule):
            return
        operations, size = self._pending(task)
        self._put_metrics(
            task,
            [
                ("OperationsPendingReplication", float(operations), "Count"),
                ("BytesPendingReplication", float(size), "Bytes"),
            ],
        )

    # --- the worker ---------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._queue or self._queue[0].due > now():
                    timeout = None if not self._queue else max(0.0, self._queue[0].due - now())
                    self._cv.wait(timeout)
                task = heapq.heappop(self._queue)
                self._busy += 1
            try:
                self._replicate(task)
            except Exception:  # noqa: BLE001 - a failed replication must not stop the worker
                self._finish(task, FAILED, f"internal error: {traceback.format_exc(limit=3)}")
            finally:
                with self._cv:
                    self._busy -= 1
                    self._cv.notify_all()

    def drain(self, account: str | None, timeout: float) -> bool:
        """Waits until no task (of the account) is queued or running."""
        deadline = now() + timeout
        with self._cv:
            while True:
                pending = [t for t in self._queue if account is None or t.account == account]
                if not pending and self._busy == 0:
                    return True
                left = deadline - now()
                if left <= 0:
                    return False
                self._cv.wait(min(left, 0.05))

    def _finish(
        self, task: _Task, status: str, reason: str | None, replica_version: str | None = None
    ) -> None:
        state = self.runtime.state
        record = state.replication_record(task.account, task.bucket, task.key, task.version_id)
        if record is None:
            return
        record.status = status
        record.reason = reason
        record.replica_version_id = replica_version
        bucket = r.find_bucket(task.bucket)
        version = r.object_version(bucket, task.key, task.version_id) if bucket is not None else None
        if version is not None and not task.delete_marker:
            version.strict_replication_status = status
        if status == FAILED:
            log.info(
                "replication of s3://%s/%s (%s) FAILED: %s", task.bucket, task.key, task.version_id, reason
            )
            self._put_metrics(task, [("OperationsFailedReplication", 1.0, "Count")])
        elif status == COMPLETED and version is not None:
            created = getattr(version, "last_modified", None)
            if created is not None:
                from datetime import UTC, datetime

                started = created if created.tzinfo else created.replace(tzinfo=UTC)
                latency = max(0.0, (datetime.now(UTC) - started).total_seconds())
                self._put_metrics(task, [("ReplicationLatency", latency, "Seconds")])
        self._publish_pending(task)

    def _replicate(self, task: _Task) -> None:
        source = r.find_bucket(task.bucket)
        version = r.object_version(source, task.key, task.version_id) if source is not None else None
        if source is None or version is None:
            self._finish(task, FAILED, "the source object version no longer exists")
            return
        destination_name = destination_bucket(task.rule)
        destination = r.find_bucket(destination_name)
        if destination is None:
            self._finish(task, FAILED, f"destination bucket {destination_name} does not exist")
            return
        reason = self.why_not(task, source, version, destination)
        if reason is not None:
            self._finish(task, FAILED, reason)
            return
        replica_version = self._write_replica(task, source, version, destination)
        self._finish(task, COMPLETED, None, replica_version)

    # --- what S3 checks -----------------------------------------------------------------

    def why_not(self, task: _Task, source: Any, version: Any, destination: Any) -> str | None:
        from ..rules.iam_propagation import unassumable

        role_arn = task.role
        role_account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else task.account
        blocked = unassumable(
            self.runtime,
            role_account,
            role_arn,
            "s3.amazonaws.com",
            {"aws:sourcearn": [r.bucket_arn(source.name)], "aws:sourceaccount": [source.account_id]},
        )
        if blocked:
            return f"S3 cannot assume the replication role: {blocked}"
        caller = role_session_caller(role_arn, "s3-replication")
        source_object = r.object_arn(source.name, task.key)
        destination_object = r.object_arn(destination.name, task.key)
        checks: list[tuple[str, Check]] = []
        if task.delete_marker:
            checks.append(
                (
                    "replicating the delete marker",
                    Check("s3:ReplicateDelete", destination_object, {}, (S3_BUCKET, destination.name)),
                )
            )
        else:
            tags = r.object_tags(source.account_id, version)
            checks.append(
                (
                    "reading the source version",
                    Check("s3:GetObjectVersionForReplication", source_object, {}, (S3_BUCKET, source.name)),
                )
            )
            if tags:
                checks.append(
                    (
                        "reading the source tags",
                        Check("s3:GetObjectVersionTagging", source_object, {}, (S3_BUCKET, source.name)),
                    )
                )
            checks.append(
                (
                    "writing the replica",
                    Check("s3:ReplicateObject", destination_object, {}, (S3_BUCKET, destination.name)),
                )
            )
            if tags:
                checks.append(
                    (
                        "writing the replica's tags",
                        Check("s3:ReplicateTags", destination_object, {}, (S3_BUCKET, destination.name)),
                    )
                )
            if getattr(source, "object_lock_enabled", False):
                for action in ("s3:GetObjectRetention", "s3:GetObjectLegalHold"):
                    checks.append(
                        (
                            "reading the source version's Object Lock settings",
                            Check(action, source_object, {}, (S3_BUCKET, source.name)),
                        )
                    )
            if owner_override(task.rule):
                checks.append(
                    (
                        "changing the replica's owner to the destination bucket's owner",
                        Check(
                            "s3:ObjectOwnerOverrideToBucketOwner",
                            destination_object,
                            {},
                            (S3_BUCKET, destination.name),
                        ),
                    )
                )
            if getattr(version, "encryption", None) == "aws:kms":
                kms_checks, problem = self._kms_checks(task, source, version, destination)
                if problem:
                    return problem
                checks += kms_checks
        base = base_context(caller, source.region_name, secure=True)
        for step, check in checks:
            context = {**base, **check.context}
            outcome = decide(caller, check, context, self.runtime.state.effective_policy)
            if outcome is not None:
                return f"{step}: {denial_message(caller, check, outcome, quote=False)}"
        return None

    def _kms_checks(
        self, task: _Task, source: Any, version: Any, destination: Any
    ) -> tuple[list[tuple[str, Check]], str | None]:
        replica_ref = replica_key(task.rule)
        if not replica_ref:
            return [], "the rule selects SSE-KMS objects but names no ReplicaKmsKeyID"
        source_key = r.find_key(version.kms_key_id, source.account_id, source.region_name)
        if source_key is None:
            return [], f"the source object's KMS key {version.kms_key_id} does not exist"
        replica = r.find_key(replica_ref, destination.account_id, destination.region_name)
        if replica is None:
            return [], f"the replica KMS key {replica_ref} does not exist"
        for key in (source_key, replica):
            if key.key_state != "Enabled":
                return [], f"KMS key {key.arn} is {key.key_state}"
        if replica.region != destination.region_name:
            return (
                [],
                f"the replica KMS key {replica.arn} is not in the destination's region "
                f"{destination.region_name}",
            )
        source_bucket_key = str(getattr(version, "bucket_key_enabled", False)).lower() == "true"
        destination_bucket_key = r.bucket_key_enabled(destination)

        def context(bucket: Any, bucket_key: bool) -> dict[str, list[str]]:
            return {
                "kms:viaservice": [f"s3.{bucket.region_name}.amazonaws.com"],
                "kms:encryptioncontext:aws:s3:arn": [
                    r.bucket_arn(bucket.name) if bucket_key else r.object_arn(bucket.name, task.key)
                ],
                "kms:encryptioncontextkeys": ["aws:s3:arn"],
            }

        checks = [
            (
                "decrypting the source object",
                Check(
                    "kms:Decrypt",
                    source_key.arn,
                    context(source, source_bucket_key),
                    (KMS_KEY, source_key),
                    source_key.account_id,
                ),
            ),
            (
                "encrypting the replica",
                Check(
                    "kms:Encrypt",
                    replica.arn,
                    context(destination, destination_bucket_key),
                    (KMS_KEY, replica),
                    replica.account_id,
                ),
            ),
        ]
        if destination_bucket_key:
            checks.append(
                (
                    "using the destination's S3 Bucket Key",
                    Check(
                        "kms:Decrypt",
                        replica.arn,
                        context(destination, True),
                        (KMS_KEY, replica),
                        replica.account_id,
                    ),
                )
            )
        return checks, None

    # --- the replica --------------------------------------------------------------------

    def _write_replica(self, task: _Task, source: Any, version: Any, destination: Any) -> str | None:
        backend = r.s3_backend(destination.account_id)
        if task.delete_marker:
            _, meta = backend.delete_object(destination.name, task.key)
            return meta.get("version-id")
        replica_ref = replica_key(task.rule)
        replica = (
            r.find_key(replica_ref, destination.account_id, destination.region_name) if replica_ref else None
        )
        encrypted = getattr(version, "encryption", None) == "aws:kms" and replica is not None
        storage = (task.rule.get("Destination") or {}).get("StorageClass") or version.storage_class
        lock_mode, lock_until = _replica_retention(version, destination)
        new = backend.put_object(
            destination.name,
            task.key,
            version.value,
            storage=storage,
            encryption="aws:kms" if encrypted else version.encryption,
            kms_key_id=replica.arn if encrypted else version.kms_key_id,
            bucket_key_enabled=r.bucket_key_enabled(destination) if encrypted else version.bucket_key_enabled,
            lock_mode=lock_mode,
            lock_legal_status=getattr(version, "lock_legal_status", None)
            if getattr(destination, "object_lock_enabled", False)
            else None,
            lock_until=lock_until,
            disable_notification=True,
        )
        new.strict_owner_account = (
            destination.account_id
            if owner_override(task.rule) or r.bucket_owner_enforced(destination)
            else source.account_id
        )
        record = self.runtime.state.replication_record(task.account, task.bucket, task.key, task.version_id)
        if record is not None:
            record.replica_owner = new.strict_owner_account
        # S3 keeps the source's version id on the replica.
        new._version_id = version.version_id
        new.set_metadata(dict(version.metadata), replace=True)
        new.strict_replication_status = REPLICA
        tags = r.object_tags(source.account_id, version)
        if tags:
            backend.put_object_tagging(new, tags)
        return new.version_id
