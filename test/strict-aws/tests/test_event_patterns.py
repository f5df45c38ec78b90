"""EventBridge patterns as moto matches them (with the strict layer's patch: fields of
objects in arrays), pinned against the EventBridge User Guide's "Content filtering"
examples the strict layer relies on."""

from __future__ import annotations

import json
import unittest

from moto.events.models import EventPattern

from strict_aws.patches import events as events_patch

events_patch.apply()

EVENT = {
    "source": "aws.s3",
    "detail-type": "AWS API Call via CloudTrail",
    "account": "111122223333",
    "region": "us-east-1",
    "detail": {
        "eventSource": "s3.amazonaws.com",
        "eventName": "PutBucketVersioning",
        "readOnly": False,
        "requestParameters": {"bucketName": "city-raw", "versioning": ""},
        "userIdentity": {"arn": "arn:aws:sts::111122223333:assumed-role/seawall-operator/seawall"},
        "resources": [{"ARN": "arn:aws:s3:::city-raw", "type": "AWS::S3::Bucket"}],
    },
}

CASES = [
    ("exact", {"source": ["aws.s3"]}, True),
    ("another source", {"source": ["aws.kms"]}, False),
    ("prefix", {"detail": {"requestParameters": {"bucketName": [{"prefix": "city-"}]}}}, True),
    ("prefix miss", {"detail": {"requestParameters": {"bucketName": [{"prefix": "town-"}]}}}, False),
    ("suffix", {"detail": {"requestParameters": {"bucketName": [{"suffix": "-raw"}]}}}, True),
    ("anything-but", {"detail": {"eventName": [{"anything-but": ["PutBucketTagging"]}]}}, True),
    ("anything-but the name", {"detail": {"eventName": [{"anything-but": ["PutBucketVersioning"]}]}}, False),
    (
        "anything-but prefix: ignore Seawall's own calls",
        {
            "detail": {
                "userIdentity": {
                    "arn": [
                        {
                            "anything-but": {
                                "prefix": "arn:aws:sts::111122223333:assumed-role/seawall-operator/"
                            }
                        }
                    ]
                }
            }
        },
        False,
    ),
    ("exists", {"detail": {"requestParameters": {"versioning": [{"exists": True}]}}}, True),
    ("exists false", {"detail": {"errorCode": [{"exists": False}]}}, True),
    (
        "exists on an intermediate node does not match",
        {"detail": {"requestParameters": [{"exists": True}]}},
        False,
    ),
    ("wildcard", {"detail": {"eventName": [{"wildcard": "Put*Versioning"}]}}, True),
    ("boolean", {"detail": {"readOnly": [False]}}, True),
    ("in an array of objects", {"detail": {"resources": {"type": ["AWS::S3::Bucket"]}}}, True),
    ("in an array of objects, a miss", {"detail": {"resources": {"ARN": ["arn:aws:s3:::other"]}}}, False),
    (
        "$or",
        {"$or": [{"source": ["aws.kms"]}, {"detail": {"eventName": ["PutBucketVersioning"]}}]},
        True,
    ),
    ("equals-ignore-case", {"detail-type": [{"equals-ignore-case": "aws api call via cloudtrail"}]}, True),
]


class Patterns(unittest.TestCase):
    def test_table(self) -> None:
        for what, pattern, expected in CASES:
            with self.subTest(what):
                self.assertEqual(EventPattern.load(json.dumps(pattern)).matches_event(EVENT), expected)


if __name__ == "__main__":
    unittest.main()
