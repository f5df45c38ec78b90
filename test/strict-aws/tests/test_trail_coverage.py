"""Table tests of which trails record which calls (events/coverage.py)."""

from __future__ import annotations

import unittest
from dataclasses import dataclass, field
from typing import Any

from strict_aws.events.coverage import Call, trail_records


@dataclass
class _Status:
    is_logging: bool = True


@dataclass
class Trail:
    region_name: str = "us-east-1"
    is_multi_region: bool = False
    include_global_service_events: bool = True
    logging: bool = True
    event_selectors: list[dict[str, Any]] = field(default_factory=list)
    advanced_event_selectors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> _Status:
        return _Status(self.logging)


def call(**kwargs: Any) -> Call:
    base = {
        "category": "Management",
        "read_only": False,
        "event_source": "s3.amazonaws.com",
        "event_name": "PutBucketPolicy",
        "region": "us-east-1",
        "global_service": False,
    }
    return Call(**{**base, **kwargs})


OBJECT = {"category": "Data", "resource_type": "AWS::S3::Object", "resource_arn": "arn:aws:s3:::b/k"}

CASES = [
    ("a logging trail in the region", Trail(), call(), True),
    ("a stopped trail", Trail(logging=False), call(), False),
    ("another region", Trail(region_name="eu-west-1"), call(), False),
    ("multi-region", Trail(region_name="eu-west-1", is_multi_region=True), call(), True),
    ("IAM in us-east-1", Trail(), call(global_service=True, event_source="iam.amazonaws.com"), True),
    (
        "IAM without global events",
        Trail(include_global_service_events=False),
        call(global_service=True),
        False,
    ),
    ("IAM and a trail of another region", Trail(region_name="eu-west-1"), call(global_service=True), False),
    ("data events need selectors", Trail(), call(**OBJECT), False),
    (
        "a data resource selector",
        Trail(
            event_selectors=[{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::b/"]}]}]
        ),
        call(**OBJECT),
        True,
    ),
    (
        "another bucket's selector",
        Trail(
            event_selectors=[{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::c/"]}]}]
        ),
        call(**OBJECT),
        False,
    ),
    (
        "management off",
        Trail(event_selectors=[{"IncludeManagementEvents": False}]),
        call(),
        False,
    ),
    (
        "read-only selector, a write",
        Trail(event_selectors=[{"ReadWriteType": "ReadOnly"}]),
        call(),
        False,
    ),
    (
        "KMS excluded",
        Trail(event_selectors=[{"ExcludeManagementEventSources": ["kms.amazonaws.com"]}]),
        call(event_source="kms.amazonaws.com"),
        False,
    ),
    (
        "advanced: management writes",
        Trail(
            advanced_event_selectors=[
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Management"]},
                        {"Field": "readOnly", "Equals": ["false"]},
                    ]
                }
            ]
        ),
        call(),
        True,
    ),
    (
        "advanced: object ARNs of another bucket",
        Trail(
            advanced_event_selectors=[
                {
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::c/"]},
                    ]
                }
            ]
        ),
        call(**OBJECT),
        False,
    ),
]


class TrailRecords(unittest.TestCase):
    def test_table(self) -> None:
        for what, trail, the_call, expected in CASES:
            with self.subTest(what):
                self.assertEqual(trail_records(trail, the_call), expected)


if __name__ == "__main__":
    unittest.main()
