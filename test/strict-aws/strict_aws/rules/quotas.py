"""Rule (j), quotas: IAM roles per account (LimitExceeded). The CloudTrail trails quota is
checked with the other CreateTrail rules (cloudtrail_validation)."""

from __future__ import annotations

from .. import resources as r
from ..errors import AwsError
from ..request import AwsRequest
from ..runtime import Runtime


def before(req: AwsRequest, rt: Runtime) -> None:
    if req.iam_prefix == "iam" and req.operation == "CreateRole":
        quota = rt.settings(req.account).max_roles_per_account
        if r.count_roles(req.account) >= quota:
            raise AwsError("LimitExceeded", f"Cannot exceed quota for RolesPerAccount: {quota}", 409)
