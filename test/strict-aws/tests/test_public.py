"""Table tests of S3's "public" bucket policy definition (Block Public Access)."""

from __future__ import annotations

import json
import unittest

from strict_aws.policy.document import parse_policy
from strict_aws.policy.public import is_public

BUCKET = "arn:aws:s3:::city-raw"


def statement(principal, effect="Allow", condition=None) -> dict:
    out = {"Effect": effect, "Principal": principal, "Action": "s3:GetObject", "Resource": f"{BUCKET}/*"}
    if condition:
        out["Condition"] = condition
    return out


CASES = [
    ("everyone may read", [statement("*")], True),
    ('AWS "*"', [statement({"AWS": "*"})], True),
    ("any account's root", [statement({"AWS": "arn:aws:iam::*:root"})], True),
    ("a fixed role", [statement({"AWS": "arn:aws:iam::111122223333:role/reader"})], False),
    ("a service", [statement({"Service": "cloudtrail.amazonaws.com"})], False),
    (
        "a deny for everyone (the TLS-only statement)",
        [statement("*", "Deny", {"Bool": {"aws:SecureTransport": "false"}})],
        False,
    ),
    (
        "everyone, from one account",
        [statement("*", condition={"StringEquals": {"aws:SourceAccount": "111122223333"}})],
        False,
    ),
    (
        "everyone, from a wildcard account",
        [statement("*", condition={"StringLike": {"aws:SourceAccount": "1111*"}})],
        True,
    ),
    (
        "everyone, from one organisation",
        [statement("*", condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc"}})],
        False,
    ),
    (
        "everyone, from a VPC endpoint",
        [statement("*", condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}})],
        False,
    ),
    (
        "everyone, from a /24",
        [statement("*", condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})],
        False,
    ),
    (
        "everyone, from anywhere",
        [statement("*", condition={"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})],
        True,
    ),
    (
        "everyone, over TLS (not a restriction)",
        [statement("*", condition={"Bool": {"aws:SecureTransport": "true"}})],
        True,
    ),
    ("a fixed role and everyone", [statement({"AWS": "arn:aws:iam::1:role/r"}), statement("*")], True),
]


class PublicPolicies(unittest.TestCase):
    def test_table(self) -> None:
        for what, statements, expected in CASES:
            with self.subTest(what):
                document = json.dumps({"Version": "2012-10-17", "Statement": statements})
                self.assertEqual(is_public(parse_policy(document)), expected)


if __name__ == "__main__":
    unittest.main()
