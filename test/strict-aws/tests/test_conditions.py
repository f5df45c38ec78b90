"""Table tests of the condition operators, set qualifiers and ...IfExists."""

from __future__ import annotations

import unittest

from strict_aws.policy.conditions import UnknownOperator, condition_holds
from strict_aws.policy.document import Condition


def c(operator: str, key: str, *values: str) -> Condition:
    return Condition(operator, key, tuple(values))


CASES = [
    # (operator, key, policy values, request context for that key (None: absent), holds)
    ("StringEquals", "kms:ViaService", ["s3.us-east-1.amazonaws.com"], ["s3.us-east-1.amazonaws.com"], True),
    ("StringEquals", "kms:ViaService", ["s3.us-east-1.amazonaws.com"], ["s3.eu-west-1.amazonaws.com"], False),
    ("StringEquals", "kms:ViaService", ["a", "b"], ["b"], True),
    ("StringEquals", "kms:ViaService", ["a"], None, False),
    ("StringNotEquals", "kms:ViaService", ["a"], ["b"], True),
    ("StringNotEquals", "kms:ViaService", ["a"], ["a"], False),
    ("StringNotEquals", "kms:ViaService", ["a"], None, True),
    ("StringEqualsIgnoreCase", "aws:username", ["Ada"], ["ada"], True),
    ("StringLike", "kms:EncryptionContext:aws:s3:arn", ["arn:aws:s3:::b/*"], ["arn:aws:s3:::b/k/1"], True),
    ("StringLike", "kms:EncryptionContext:aws:s3:arn", ["arn:aws:s3:::b/*"], ["arn:aws:s3:::b"], False),
    (
        "StringLike",
        "kms:EncryptionContext:aws:s3:arn",
        ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        ["arn:aws:s3:::b"],
        True,
    ),
    ("StringNotLike", "s3:prefix", ["home/*"], ["tmp/x"], True),
    ("StringEqualsIfExists", "s3:x-amz-acl", ["bucket-owner-full-control"], None, True),
    ("StringEqualsIfExists", "s3:x-amz-acl", ["bucket-owner-full-control"], ["private"], False),
    ("Bool", "aws:SecureTransport", ["false"], ["false"], True),
    ("Bool", "aws:SecureTransport", ["false"], ["true"], False),
    ("Bool", "aws:SecureTransport", ["false"], None, False),
    ("Null", "aws:RequestTag/owner", ["true"], None, True),
    ("Null", "aws:RequestTag/owner", ["true"], ["x"], False),
    ("Null", "aws:RequestTag/owner", ["false"], ["x"], True),
    ("NumericLessThanEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", ["30"], ["30"], True),
    ("NumericLessThan", "kms:ScheduleKeyDeletionPendingWindowInDays", ["30"], ["30"], False),
    ("NumericEquals", "kms:ScheduleKeyDeletionPendingWindowInDays", ["30"], ["7"], False),
    ("NumericGreaterThan", "s3:max-keys", ["10"], ["11"], True),
    ("NumericEquals", "s3:max-keys", ["10"], ["ten"], False),
    ("DateGreaterThan", "aws:CurrentTime", ["2026-01-01T00:00:00Z"], ["2026-11-30T05:00:00Z"], True),
    ("DateLessThan", "aws:CurrentTime", ["2026-01-01T00:00:00Z"], ["2026-11-30T05:00:00Z"], False),
    ("DateLessThan", "aws:EpochTime", ["2000000000"], ["1900000000"], True),
    ("IpAddress", "aws:SourceIp", ["127.0.0.0/8"], ["127.0.0.1"], True),
    ("IpAddress", "aws:SourceIp", ["10.0.0.0/8"], ["127.0.0.1"], False),
    ("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8"], ["127.0.0.1"], True),
    (
        "ArnLike",
        "aws:SourceArn",
        ["arn:aws:cloudtrail:*:111122223333:trail/*"],
        ["arn:aws:cloudtrail:ca-central-1:111122223333:trail/t"],
        True,
    ),
    (
        "ArnLike",
        "aws:SourceArn",
        ["arn:aws:cloudtrail:*:111122223333:trail/*"],
        ["arn:aws:cloudtrail:ca-central-1:444455556666:trail/t"],
        False,
    ),
    ("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::1:role/r"], ["arn:aws:iam::1:role/r"], True),
    (
        "ArnNotLike",
        "aws:PrincipalArn",
        ["arn:aws:iam::1:role/admin-*"],
        ["arn:aws:iam::1:role/seawall"],
        True,
    ),
    ("ArnNotLike", "aws:PrincipalArn", ["arn:aws:iam::1:role/admin-*"], None, True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["owner"], ["owner", "team"], True),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["owner"], ["team"], False),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["owner"], None, False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["owner", "team"], ["owner"], True),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["owner"], ["owner", "secret"], False),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["owner"], None, True),
    (
        "StringEquals",
        "iam:PassedToService",
        ["glue.amazonaws.com", "s3.amazonaws.com"],
        ["s3.amazonaws.com"],
        True,
    ),
    (
        "StringEquals",
        "aws:ResourceTag/seawall.dev/owner",
        ["ns/ProtectedBucket/x"],
        ["ns/ProtectedBucket/x"],
        True,
    ),
]


class ConditionOperators(unittest.TestCase):
    def test_table(self) -> None:
        for operator, key, values, actual, expected in CASES:
            with self.subTest(f"{operator} {key} {values} vs {actual}"):
                context = {} if actual is None else {key.lower(): actual}
                self.assertEqual(condition_holds(c(operator, key, *values), context), expected)

    def test_keys_are_case_insensitive(self) -> None:
        self.assertTrue(
            condition_holds(c("Bool", "AWS:securetransport", "true"), {"aws:securetransport": ["true"]})
        )

    def test_policy_variables_in_values(self) -> None:
        context = {"aws:principalaccount": ["111122223333"], "aws:sourceaccount": ["111122223333"]}
        self.assertTrue(
            condition_holds(c("StringEquals", "aws:SourceAccount", "${aws:PrincipalAccount}"), context)
        )

    def test_unknown_operator(self) -> None:
        with self.assertRaises(UnknownOperator):
            condition_holds(c("StringSortOf", "k", "v"), {"k": ["v"]})
        with self.assertRaises(UnknownOperator):
            condition_holds(c("ForSomeValues:StringEquals", "k", "v"), {"k": ["v"]})


if __name__ == "__main__":
    unittest.main()
