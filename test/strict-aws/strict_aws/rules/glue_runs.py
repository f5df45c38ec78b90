"""Rule (i): a Glue job run succeeds only if its role could do what the script does.

moto runs no script, so the strict layer checks, when the run starts, what the generated
script would touch (src/kinds/qualitypipeline/glue-script.ts), as the job's role in a
session Glue opens ("GlueJobRunnerSession"):

- role: glue.amazonaws.com can assume it (exists, trusts Glue, propagated);
- Command.ScriptLocation s3://b/k: s3:GetObject on b/k (+ kms:Decrypt via S3 if SSE-KMS);
- --seawall_source_bucket/_prefix: s3:ListBucket (s3:prefix); s3:GetObject and
  kms:Decrypt on every object under the prefix (minus --seawall_exclusions);
- --seawall_trusted_bucket/_prefix and --seawall_quarantine_bucket/_prefix:
  s3:PutObject on <prefix><run id>/part-00000.csv (+ kms:GenerateDataKey via S3 with the
  bucket's default key) and s3:ListBucket of that folder (the script counts its files);
- --seawall_results_bucket/_prefix: s3:PutObject on <prefix><run id>.json
  (+ kms:GenerateDataKey).

The run goes through moto's states (its state manager decides when) and ends SUCCEEDED,
or FAILED with an ErrorMessage shaped like Glue's (the exception the script would raise).
Jobs without those arguments are checked for their role and script only.
"""

from __future__ import annotations

import json
from typing import Any

from moto.glue.models import glue_backends

from .. import resources as r
from ..authz.actions import KMS_KEY, S3_BUCKET, Check
from ..authz.decide import base_context, decide, denial_message
from ..identity import role_session_caller
from ..request import AwsRequest
from ..runtime import Response, Runtime
from .iam_propagation import unassumable

SESSION = "GlueJobRunnerSession"


def _split(url: str | None) -> tuple[str, str] | None:
    if not url or not url.startswith("s3://"):
        return None
    bucket, _, key = url[len("s3://") :].partition("/")
    return bucket, key


def _kms(action: str, bucket: Any, key_name: str, key_ref: str | None, bucket_key: bool) -> Check | None:
    if not key_ref or key_ref.startswith("alias/aws/"):
        return None
    key = r.find_key(key_ref, bucket.account_id, bucket.region_name)
    if key is None:
        return Check(action, r.key_arn_for(key_ref, bucket.account_id, bucket.region_name), {})
    return Check(
        action,
        key.arn,
        {
            "kms:viaservice": [f"s3.{bucket.region_name}.amazonaws.com"],
            "kms:encryptioncontext:aws:s3:arn": [
                r.bucket_arn(bucket.name) if bucket_key else r.object_arn(bucket.name, key_name)
            ],
        },
        (KMS_KEY, key),
        key.account_id,
    )


def _read(bucket: Any, key_name: str) -> list[Check]:
    checks = [Check("s3:GetObject", r.object_arn(bucket.name, key_name), {}, (S3_BUCKET, bucket.name))]
    version = r.object_version(bucket, key_name, None)
    if getattr(version, "encryption", None) == "aws:kms":
        bucket_key = str(getattr(version, "bucket_key_enabled", False)).lower() == "true"
        kms = _kms("kms:Decrypt", bucket, key_name, version.kms_key_id, bucket_key)
        if kms:
            checks.append(kms)
    return checks


def _write(bucket: Any, key_name: str) -> list[Check]:
    checks = [Check("s3:PutObject", r.object_arn(bucket.name, key_name), {}, (S3_BUCKET, bucket.name))]
    default_key, bucket_key = r.bucket_default_kms(bucket)
    kms = _kms("kms:GenerateDataKey", bucket, key_name, default_key, bucket_key)
    if kms:
        checks.append(kms)
    return checks


def _list(bucket: Any, prefix: str) -> Check:
    return Check(
        "s3:ListBucket", r.bucket_arn(bucket.name), {"s3:prefix": [prefix]}, (S3_BUCKET, bucket.name)
    )


def _folder(prefix: str) -> str:
    return prefix if prefix == "" or prefix.endswith("/") else prefix + "/"


def run_failure(
    rt: Runtime, account: str, region: str, job: Any, run_id: str, arguments: dict[str, str]
) -> str | None:
    """The ErrorMessage the run fails with, or None when it would succeed."""
    blocked = unassumable(rt, account, job.role, "glue.amazonaws.com")
    if blocked:
        return f"Service is unable to assume provided role. Please verify role's TrustPolicy ({blocked})"
    role = r.find_role(account, job.role)
    caller = role_session_caller(role.arn, SESSION)
    steps: list[tuple[str, Any, list[Check]]] = []

    script = _split((job.command or {}).get("ScriptLocation"))
    if script:
        bucket = r.find_bucket(script[0])
        if bucket is None or r.object_version(bucket, script[1], None) is None:
            return f"Script not found: s3://{script[0]}/{script[1]}"
        steps.append((f"reading the script s3://{script[0]}/{script[1]}", bucket, _read(bucket, script[1])))

    source_bucket = arguments.get("--seawall_source_bucket")
    if source_bucket:
        bucket = r.find_bucket(source_bucket)
        if bucket is None:
            return f"NoSuchBucket: The specified bucket does not exist: {source_bucket}"
        prefix = _folder(arguments.get("--seawall_source_prefix", ""))
        try:
            exclusions = json.loads(arguments.get("--seawall_exclusions", "[]"))
        except ValueError:
            exclusions = []
        checks = [_list(bucket, prefix)]
        for name in sorted(bucket.keys.keys()):
            if (
                not name.startswith(prefix)
                or name.endswith("/")
                or any(name.startswith(e) for e in exclusions)
            ):
                continue
            if not hasattr(r.object_version(bucket, name, None), "encryption"):
                continue  # latest version is a delete marker
            checks += _read(bucket, name)
        steps.append((f"reading the source s3://{source_bucket}/{prefix}", bucket, checks))

    for output, suffix in (
        ("trusted", "/part-00000.csv"),
        ("quarantine", "/part-00000.csv"),
        ("results", ".json"),
    ):
        name = arguments.get(f"--seawall_{output}_bucket")
        if not name:
            continue
        bucket = r.find_bucket(name)
        if bucket is None:
            return f"NoSuchBucket: The specified bucket does not exist: {name}"
        key = _folder(arguments.get(f"--seawall_{output}_prefix", "")) + run_id + suffix
        checks = _write(bucket, key)
        if output != "results":
            checks.append(_list(bucket, key.rsplit("/", 1)[0] + "/"))
        steps.append((f"writing {output} output s3://{name}/{key}", bucket, checks))

    for what, bucket, checks in steps:
        base = base_context(caller, bucket.region_name, secure=True)
        for check in checks:
            outcome = decide(caller, check, {**base, **check.context}, rt.state.effective_policy)
            if outcome is not None:
                service = "AWSKMS" if check.action.startswith("kms:") else "Amazon S3"
                code = "AccessDeniedException" if check.action.startswith("kms:") else "AccessDenied"
                status = 400 if check.action.startswith("kms:") else 403
                return (
                    f"An error occurred while {what}: {denial_message(caller, check, outcome, quote=False)} "
                    f"(Service: {service}; Status Code: {status}; Error Code: {code})"
                )
    return None


def after(req: AwsRequest, response: Response, rt: Runtime) -> None:
    if req.iam_prefix != "glue" or req.operation != "StartJobRun":
        return
    run_id = response.json().get("JobRunId")
    backend = glue_backends[req.account][req.region]
    job = backend.get_job(req.param("JobName"))
    # Not job.get_job_run: that advances moto's state machine, which tests drive.
    run = next((run for run in job.job_runs if run.job_run_id == run_id), None)
    if run is None:
        return
    arguments = dict(run.arguments or {})
    run.strict_error = run_failure(rt, req.account, req.region, job, run_id, arguments)
