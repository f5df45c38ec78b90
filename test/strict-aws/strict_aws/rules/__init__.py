"""The rules, in the order AWS meets them: outages first (faults, run by the middleware),
then a name S3 routes elsewhere, then keys KMS cannot see yet, then authorization, then
each service's validation. After a successful call: the hooks that record what later
checks need (creation times, policy versions) and start asynchronous work (replication).
"""

from __future__ import annotations

from collections.abc import Callable

from ..patches.s3 import after_create_bucket
from ..request import AwsRequest
from ..runtime import Response, Runtime
from . import (
    assume_role,
    authorization,
    cloudtrail_validation,
    foreign_buckets,
    glue_runs,
    iam_propagation,
    kms_lockout,
    kms_visibility,
    object_lock,
    object_ownership,
    public_access,
    put_events,
    quotas,
    replication,
    replication_config,
    sse_kms,
)

BEFORE: list[Callable[[AwsRequest, Runtime], None]] = [
    foreign_buckets.before,
    kms_visibility.before,
    authorization.before,
    iam_propagation.before,
    assume_role.before,
    kms_lockout.before,
    public_access.before,
    replication_config.before,
    cloudtrail_validation.before,
    quotas.before,
    sse_kms.before,
    object_lock.before,
    object_ownership.before,
    put_events.before,
]

AFTER: list[Callable[[AwsRequest, Response, Runtime], None]] = [
    iam_propagation.after,
    kms_visibility.after,
    replication_config.after,
    after_create_bucket,
    replication.after,
    glue_runs.after,
]
