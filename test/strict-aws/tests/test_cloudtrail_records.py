"""Table tests of the CloudTrail record shapes: event names, camel-cased parameters along an
API shape, S3's request parameters from its XML, read-only calls, user identities."""

from __future__ import annotations

import unittest

from moto.core.utils import get_service_model

from strict_aws.events import cloudtrail as ct
from strict_aws.identity import ADMIN, ROLE, USER, Caller


class Names(unittest.TestCase):
    def test_camel(self) -> None:
        for name, expected in [
            ("KeyId", "keyId"),
            ("S3BucketName", "s3BucketName"),
            ("AWSAccountId", "AWSAccountId"),
            ("BypassPolicyLockoutSafetyCheck", "bypassPolicyLockoutSafetyCheck"),
            ("name", "name"),
        ]:
            with self.subTest(name):
                self.assertEqual(ct.camel(name), expected)

    def test_event_names(self) -> None:
        for service, operation, expected in [
            ("s3", "PutPublicAccessBlock", "PutBucketPublicAccessBlock"),
            ("s3", "DeletePublicAccessBlock", "DeleteBucketPublicAccessBlock"),
            ("s3", "PutBucketLifecycleConfiguration", "PutBucketLifecycle"),
            ("s3", "PutBucketVersioning", "PutBucketVersioning"),
            ("kms", "PutKeyPolicy", "PutKeyPolicy"),
        ]:
            with self.subTest(operation):
                self.assertEqual(ct.event_name(service, operation), expected)

    def test_read_only_and_category(self) -> None:
        table = [
            ("s3", "GetBucketPolicy", False, True, "Management"),
            ("s3", "PutBucketPolicy", False, False, "Management"),
            ("s3", "PutObject", True, False, "Data"),
            ("s3", "ListObjectsV2", False, True, "Data"),
            ("kms", "Decrypt", False, True, "Management"),
            ("kms", "CreateAlias", False, False, "Management"),
            ("sqs", "SendMessage", False, False, None),
            ("sqs", "SetQueueAttributes", False, False, "Management"),
            ("events", "PutEvents", False, False, None),
            ("sts", "AssumeRole", False, False, None),
        ]
        for service, operation, has_key, read_only, category in table:
            with self.subTest(f"{service}:{operation}"):
                self.assertEqual(ct.is_read_only(operation), read_only)
                self.assertEqual(ct.event_category(service, operation, has_key), category)


class Parameters(unittest.TestCase):
    def test_json_input_keeps_map_keys(self) -> None:
        shape = get_service_model("sqs").operation_model("SetQueueAttributes").input_shape
        params = {"QueueUrl": "http://h/1/q", "Attributes": {"KmsMasterKeyId": "k", "Policy": "{}"}}
        self.assertEqual(
            ct.camel_along(params, shape),
            {"queueUrl": "http://h/1/q", "attributes": {"KmsMasterKeyId": "k", "Policy": "{}"}},
        )

    def test_lists_of_structures(self) -> None:
        shape = get_service_model("kms").operation_model("CreateKey").input_shape
        params = {"Description": "d", "Tags": [{"TagKey": "a", "TagValue": "b"}]}
        self.assertEqual(
            ct.camel_along(params, shape), {"description": "d", "tags": [{"tagKey": "a", "tagValue": "b"}]}
        )

    def test_s3_xml_body(self) -> None:
        body = (
            b'<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<BlockPublicAcls>true</BlockPublicAcls><BlockPublicPolicy>false</BlockPublicPolicy>"
            b"</PublicAccessBlockConfiguration>"
        )
        params = ct.s3_request_parameters(
            "b", None, "h", {"publicAccessBlock": [""]}, {}, body, "PutPublicAccessBlock"
        )
        self.assertEqual(
            params,
            {
                "Host": "h",
                "bucketName": "b",
                "publicAccessBlock": "",
                "PublicAccessBlockConfiguration": {
                    "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": False,
                },
            },
        )

    def test_s3_policy_is_json(self) -> None:
        params = ct.s3_request_parameters(
            "b", None, "h", {"policy": [""]}, {}, b'{"Statement": []}', "PutBucketPolicy"
        )
        self.assertEqual(params["bucketPolicy"], {"Statement": []})
        self.assertEqual(params["policy"], "")


class Identities(unittest.TestCase):
    def test_assumed_role(self) -> None:
        caller = Caller(
            account="111122223333",
            kind=ROLE,
            arn="arn:aws:sts::111122223333:assumed-role/op/s",
            principal_arn="arn:aws:iam::111122223333:role/seawall/op",
            name="op",
            session="s",
            userid="AROAX:s",
        )
        identity = ct.user_identity(caller, "ASIA1", 0.0)
        self.assertEqual(identity["type"], "AssumedRole")
        self.assertEqual(identity["principalId"], "AROAX:s")
        self.assertEqual(
            identity["sessionContext"]["sessionIssuer"],
            {
                "type": "Role",
                "principalId": "AROAX",
                "arn": "arn:aws:iam::111122223333:role/seawall/op",
                "accountId": "111122223333",
                "userName": "op",
            },
        )
        self.assertEqual(identity["sessionContext"]["attributes"]["creationDate"], "1970-01-01T00:00:00Z")

    def test_user_and_root(self) -> None:
        user = Caller("1", USER, "arn:aws:iam::1:user/u", "arn:aws:iam::1:user/u", name="u", userid="AIDA")
        self.assertEqual(ct.user_identity(user, "AKIA", None)["type"], "IAMUser")
        self.assertEqual(ct.user_identity(user, "AKIA", None)["userName"], "u")
        root = Caller("1", ADMIN, "arn:aws:iam::1:root", "arn:aws:iam::1:root", userid="1")
        self.assertEqual(ct.user_identity(root, None, None)["type"], "Root")


if __name__ == "__main__":
    unittest.main()
