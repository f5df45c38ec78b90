"""Table tests of the policy evaluator: statements, wildcards, principals, decisions."""

from __future__ import annotations

import json
import unittest
from typing import ClassVar

from strict_aws.policy.document import MalformedPolicy, parse_policy
from strict_aws.policy.evaluator import (
    VIA_ACCOUNT,
    VIA_PRINCIPAL,
    VIA_PUBLIC,
    Principal,
    evaluate,
    evaluate_all,
)

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/seawall/replicator"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/replicator/s3"
BUCKET = "arn:aws:s3:::city-raw"


def policy(*statements: dict) -> tuple:
    return parse_policy(json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


class IdentityPolicies(unittest.TestCase):
    CASES: ClassVar[list[tuple]] = [
        # (what, statements, action, resource, expected effect)
        ("exact action", [allow("s3:GetObject")], "s3:GetObject", f"{BUCKET}/a", "Allow"),
        ("action is case-insensitive", [allow("S3:getobject")], "s3:GetObject", "x", "Allow"),
        ("action wildcard", [allow("s3:Get*")], "s3:GetObjectTagging", "x", "Allow"),
        ("? matches one character", [allow("kms:Get?eyPolicy")], "kms:GetKeyPolicy", "x", "Allow"),
        ("other action: no decision", [allow("s3:GetObject")], "s3:PutObject", "x", None),
        (
            "NotAction allows the rest",
            [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
            "s3:PutObject",
            "x",
            "Allow",
        ),
        (
            "NotAction excludes",
            [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
            "iam:CreateRole",
            "x",
            None,
        ),
        (
            "resource wildcard",
            [allow("s3:GetObject", f"{BUCKET}/raw/*")],
            "s3:GetObject",
            f"{BUCKET}/raw/a/b.csv",
            "Allow",
        ),
        (
            "resource is case-sensitive",
            [allow("s3:GetObject", f"{BUCKET}/RAW/*")],
            "s3:GetObject",
            f"{BUCKET}/raw/a",
            None,
        ),
        (
            "resource outside the prefix",
            [allow("s3:GetObject", f"{BUCKET}/raw/*")],
            "s3:GetObject",
            f"{BUCKET}/trusted/a",
            None,
        ),
        (
            "NotResource",
            [{"Effect": "Allow", "Action": "s3:*", "NotResource": f"{BUCKET}/secret/*"}],
            "s3:GetObject",
            f"{BUCKET}/secret/x",
            None,
        ),
        ("explicit deny wins", [allow("s3:*"), deny("s3:DeleteObject")], "s3:DeleteObject", "x", "Deny"),
        ("deny elsewhere does not", [allow("s3:*"), deny("s3:DeleteObject")], "s3:GetObject", "x", "Allow"),
        ("a list of actions", [allow(["kms:Encrypt", "kms:Decrypt"])], "kms:Decrypt", "x", "Allow"),
        (
            "statement without Action matches nothing",
            [{"Effect": "Allow", "Resource": "*"}],
            "s3:GetObject",
            "x",
            None,
        ),
    ]

    def test_table(self) -> None:
        for what, statements, action, resource, expected in self.CASES:
            with self.subTest(what):
                decision = evaluate(policy(*statements), action, resource, {})
                self.assertEqual(decision.effect, expected)

    def test_policy_variables(self) -> None:
        statements = policy(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))
        context = {"aws:username": ["ada"]}
        self.assertTrue(evaluate(statements, "s3:GetObject", "arn:aws:s3:::home/ada/x", context).allowed)
        self.assertFalse(evaluate(statements, "s3:GetObject", "arn:aws:s3:::home/bob/x", context).allowed)
        self.assertFalse(evaluate(statements, "s3:GetObject", "arn:aws:s3:::home/ada/x", {}).allowed)

    def test_several_policies_any_deny_wins(self) -> None:
        decision = evaluate_all(
            [policy(allow("s3:*")), policy(deny("s3:PutObject"))], "s3:PutObject", "x", {}
        )
        self.assertTrue(decision.denied)
        self.assertTrue(evaluate_all([policy(allow("s3:*"))], "s3:PutObject", "x", {}).allowed)
        self.assertIsNone(evaluate_all([], "s3:PutObject", "x", {}).effect)

    def test_malformed(self) -> None:
        for text in ("not json", "{}", json.dumps({"Statement": [{"Effect": "Maybe"}]})):
            with self.subTest(text), self.assertRaises(MalformedPolicy):
                parse_policy(text)


class ResourcePolicies(unittest.TestCase):
    ROLE_CALLER = Principal(account=ACCOUNT, arns=(ROLE, SESSION))
    OTHER_ACCOUNT = Principal(account="444455556666", arns=("arn:aws:iam::444455556666:role/x",))
    CLOUDTRAIL = Principal(account=ACCOUNT, service="cloudtrail.amazonaws.com")

    CASES: ClassVar[list[tuple]] = [
        # (what, principal element, caller, expected effect, expected via)
        ("the role ARN", {"AWS": ROLE}, ROLE_CALLER, "Allow", VIA_PRINCIPAL),
        ("the session ARN", {"AWS": SESSION}, ROLE_CALLER, "Allow", VIA_PRINCIPAL),
        (
            "the account root delegates",
            {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            ROLE_CALLER,
            "Allow",
            VIA_ACCOUNT,
        ),
        ("a bare account id delegates", {"AWS": ACCOUNT}, ROLE_CALLER, "Allow", VIA_ACCOUNT),
        ("another account's root", {"AWS": "arn:aws:iam::999988887777:root"}, ROLE_CALLER, None, None),
        ("everyone", "*", OTHER_ACCOUNT, "Allow", VIA_PUBLIC),
        ('AWS "*"', {"AWS": "*"}, OTHER_ACCOUNT, "Allow", VIA_PUBLIC),
        ("a service principal", {"Service": "cloudtrail.amazonaws.com"}, CLOUDTRAIL, "Allow", VIA_PRINCIPAL),
        ("another service", {"Service": "s3.amazonaws.com"}, CLOUDTRAIL, None, None),
        (
            "a root statement does not name a service",
            {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            CLOUDTRAIL,
            None,
            None,
        ),
    ]

    def test_table(self) -> None:
        for what, principal, caller, effect, via in self.CASES:
            with self.subTest(what):
                statements = policy(
                    {"Effect": "Allow", "Principal": principal, "Action": "kms:*", "Resource": "*"}
                )
                decision = evaluate(statements, "kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k", {}, caller)
                self.assertEqual((decision.effect, decision.via), (effect, via))

    def test_direct_beats_delegation(self) -> None:
        statements = policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt", "Resource": "*"},
        )
        decision = evaluate(statements, "kms:Decrypt", "k", {}, self.ROLE_CALLER)
        self.assertEqual(decision.via, VIA_PRINCIPAL)

    def test_not_principal_deny(self) -> None:
        statements = policy(
            {"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "s3:*", "Resource": f"{BUCKET}/*"}
        )
        self.assertIsNone(evaluate(statements, "s3:GetObject", f"{BUCKET}/a", {}, self.ROLE_CALLER).effect)
        self.assertTrue(evaluate(statements, "s3:GetObject", f"{BUCKET}/a", {}, self.OTHER_ACCOUNT).denied)

    def test_tls_only_deny_uses_its_condition(self) -> None:
        statements = policy(
            {
                "Sid": "SeawallDenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [BUCKET, f"{BUCKET}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        )
        https = {"aws:securetransport": ["true"]}
        http = {"aws:securetransport": ["false"]}
        self.assertIsNone(evaluate(statements, "s3:GetObject", f"{BUCKET}/a", https, self.ROLE_CALLER).effect)
        self.assertTrue(evaluate(statements, "s3:GetObject", f"{BUCKET}/a", http, self.ROLE_CALLER).denied)

    def test_statement_without_principal_is_not_a_grant_in_a_resource_policy(self) -> None:
        statements = policy(allow("s3:*"))
        self.assertIsNone(evaluate(statements, "s3:GetObject", "x", {}, self.ROLE_CALLER).effect)


if __name__ == "__main__":
    unittest.main()
