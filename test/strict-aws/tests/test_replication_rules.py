"""Table tests of which replication rule applies to an object."""

from __future__ import annotations

import unittest

from strict_aws.replication.rules import deletes_replicated, kms_objects_selected, matching_rule


def rule(rule_id: str, priority: int, flt: dict | None, status: str = "Enabled", **extra) -> dict:
    out = {"ID": rule_id, "Priority": priority, "Status": status, **extra}
    if flt is not None:
        out["Filter"] = flt
    return out


CONFIG = {
    "Role": "arn:aws:iam::1:role/r",
    "Rules": [
        rule("all", 1, {"Prefix": ""}),
        rule("raw", 5, {"Prefix": "raw/"}),
        rule("tagged", 9, {"And": {"Prefix": "raw/", "Tags": [{"Key": "class", "Value": "pii"}]}}),
        rule("off", 10, {"Prefix": ""}, status="Disabled"),
        rule("tag-only", 3, {"Tag": {"Key": "keep", "Value": "yes"}}),
    ],
}

CASES = [
    ("anything else", "docs/a.txt", {}, "all"),
    ("the prefix rule outranks the catch-all", "raw/a.csv", {}, "raw"),
    ("prefix and tag", "raw/a.csv", {"class": "pii"}, "tagged"),
    ("tag without the prefix", "docs/a.csv", {"class": "pii"}, "all"),
    ("a tag filter", "docs/a.csv", {"keep": "yes"}, "tag-only"),
]


class MatchingRule(unittest.TestCase):
    def test_table(self) -> None:
        for what, key, tags, expected in CASES:
            with self.subTest(what):
                self.assertEqual(matching_rule(CONFIG, key, tags)["ID"], expected)

    def test_no_enabled_rule(self) -> None:
        config = {"Rules": [rule("off", 1, {"Prefix": ""}, status="Disabled")]}
        self.assertIsNone(matching_rule(config, "a", {}))

    def test_v1_rule_prefix(self) -> None:
        config = {"Rules": [{"ID": "v1", "Status": "Enabled", "Prefix": "logs/"}]}
        self.assertEqual(matching_rule(config, "logs/x", {})["ID"], "v1")
        self.assertIsNone(matching_rule(config, "data/x", {}))

    def test_flags(self) -> None:
        on = rule(
            "x",
            1,
            {"Prefix": ""},
            DeleteMarkerReplication={"Status": "Enabled"},
            SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
        )
        self.assertTrue(deletes_replicated(on))
        self.assertTrue(kms_objects_selected(on))
        self.assertFalse(deletes_replicated(rule("y", 1, {"Prefix": ""})))
        self.assertFalse(kms_objects_selected(rule("y", 1, {"Prefix": ""})))


if __name__ == "__main__":
    unittest.main()
