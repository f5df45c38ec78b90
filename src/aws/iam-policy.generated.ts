// Generated from the AWS SDK calls in src/ by `npm run gen` (scripts/generate-iam-policy.ts).
// Do not edit: change the code (or the operation → action table in iam-policy.ts) and regenerate.
import type { PolicyDocument, SdkCall } from './iam-policy.ts';

/** Every AWS SDK operation the operator's code calls, and the files calling it. */
export const sdkCalls: SdkCall[] = [
  {
    "service": "cloudtrail",
    "operation": "CreateTrail",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "DeleteTrail",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "GetEventSelectors",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "GetTrail",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "GetTrailStatus",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "ListTags",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "PutEventSelectors",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "StartLogging",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudtrail",
    "operation": "UpdateTrail",
    "files": [
      "src/aws/cloudtrail/trail.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "DeleteAlarms",
    "files": [
      "src/aws/cloudwatch/alarms.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "DeleteDashboards",
    "files": [
      "src/aws/cloudwatch/dashboard.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "DescribeAlarms",
    "files": [
      "src/aws/cloudwatch/alarms.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "GetDashboard",
    "files": [
      "src/aws/cloudwatch/dashboard.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "GetMetricStatistics",
    "files": [
      "src/aws/cloudwatch/billing.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "ListTagsForResource",
    "files": [
      "src/aws/cloudwatch/alarms.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "PutDashboard",
    "files": [
      "src/aws/cloudwatch/dashboard.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "PutMetricAlarm",
    "files": [
      "src/aws/cloudwatch/alarms.ts"
    ]
  },
  {
    "service": "cloudwatch",
    "operation": "PutMetricData",
    "files": [
      "src/aws/cloudwatch/quality-metric.ts"
    ]
  },
  {
    "service": "events",
    "operation": "DescribeRule",
    "files": [
      "src/aws/events/rule.ts"
    ]
  },
  {
    "service": "events",
    "operation": "ListTagsForResource",
    "files": [
      "src/aws/events/rule.ts"
    ]
  },
  {
    "service": "events",
    "operation": "ListTargetsByRule",
    "files": [
      "src/aws/events/rule.ts"
    ]
  },
  {
    "service": "events",
    "operation": "PutRule",
    "files": [
      "src/aws/events/rule.ts"
    ]
  },
  {
    "service": "events",
    "operation": "PutTargets",
    "files": [
      "src/aws/events/rule.ts"
    ]
  },
  {
    "service": "events",
    "operation": "RemoveTargets",
    "files": [
      "src/aws/events/rule.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "CreateCrawler",
    "files": [
      "src/aws/glue/crawler.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "CreateJob",
    "files": [
      "src/aws/glue/job.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "CreateTrigger",
    "files": [
      "src/aws/glue/trigger.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "CreateWorkflow",
    "files": [
      "src/aws/glue/workflow.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "DeleteCrawler",
    "files": [
      "src/aws/glue/crawler.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "DeleteJob",
    "files": [
      "src/aws/glue/job.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "DeleteTrigger",
    "files": [
      "src/aws/glue/trigger.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "DeleteWorkflow",
    "files": [
      "src/aws/glue/workflow.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "GetCrawler",
    "files": [
      "src/aws/glue/crawler.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "GetJob",
    "files": [
      "src/aws/glue/job.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "GetJobRuns",
    "files": [
      "src/kinds/qualitypipeline/glue-runs.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "GetTags",
    "files": [
      "src/aws/glue/resource.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "GetTrigger",
    "files": [
      "src/aws/glue/trigger.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "GetWorkflow",
    "files": [
      "src/aws/glue/workflow.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "StartJobRun",
    "files": [
      "src/kinds/qualitypipeline/glue-runs.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "StartTrigger",
    "files": [
      "src/aws/glue/trigger.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "UpdateCrawler",
    "files": [
      "src/aws/glue/crawler.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "UpdateJob",
    "files": [
      "src/aws/glue/job.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "UpdateTrigger",
    "files": [
      "src/aws/glue/trigger.ts"
    ]
  },
  {
    "service": "glue",
    "operation": "UpdateWorkflow",
    "files": [
      "src/aws/glue/workflow.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "CreateRole",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "DeleteRole",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "DeleteRolePolicy",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "GetRole",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "GetRolePolicy",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "PutRolePolicy",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "TagRole",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "UntagRole",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "iam",
    "operation": "UpdateAssumeRolePolicy",
    "files": [
      "src/aws/iam/role.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "CancelKeyDeletion",
    "files": [
      "src/aws/kms/key-state.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "CreateAlias",
    "files": [
      "src/aws/kms/alias.ts",
      "src/aws/kms/key.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "CreateKey",
    "files": [
      "src/aws/kms/key.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "DeleteAlias",
    "files": [
      "src/aws/kms/key.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "DescribeKey",
    "files": [
      "src/aws/kms/key.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "DisableKeyRotation",
    "files": [
      "src/aws/kms/rotation.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "EnableKey",
    "files": [
      "src/aws/kms/key-state.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "EnableKeyRotation",
    "files": [
      "src/aws/kms/rotation.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "GetKeyPolicy",
    "files": [
      "src/aws/kms/key-policy.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "GetKeyRotationStatus",
    "files": [
      "src/aws/kms/rotation.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "ListKeys",
    "files": [
      "src/aws/kms/key.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "ListResourceTags",
    "files": [
      "src/aws/kms/key.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "PutKeyPolicy",
    "files": [
      "src/aws/kms/key-policy.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "ScheduleKeyDeletion",
    "files": [
      "src/aws/kms/key.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "TagResource",
    "files": [
      "src/aws/kms/tags.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "UntagResource",
    "files": [
      "src/aws/kms/tags.ts"
    ]
  },
  {
    "service": "kms",
    "operation": "UpdateAlias",
    "files": [
      "src/aws/kms/alias.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "AbortMultipartUpload",
    "files": [
      "src/dq/engine/store.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "CompleteMultipartUpload",
    "files": [
      "src/dq/engine/store.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "CreateBucket",
    "files": [
      "src/aws/s3/bucket.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "CreateMultipartUpload",
    "files": [
      "src/dq/engine/store.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "DeleteBucket",
    "files": [
      "src/aws/s3/bucket.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "DeleteBucketLifecycle",
    "files": [
      "src/aws/s3/lifecycle.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "DeleteBucketPolicy",
    "files": [
      "src/aws/s3/bucket-policy.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "DeleteBucketReplication",
    "files": [
      "src/aws/s3/replication.ts",
      "src/kinds/protectedbucket/finalize.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "DeleteObject",
    "files": [
      "src/aws/glue/script.ts",
      "src/aws/s3/replication-probe.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetBucketEncryption",
    "files": [
      "src/aws/s3/encryption.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetBucketLifecycleConfiguration",
    "files": [
      "src/aws/s3/lifecycle.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetBucketOwnershipControls",
    "files": [
      "src/aws/s3/ownership-controls.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetBucketPolicy",
    "files": [
      "src/aws/s3/bucket-policy.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetBucketReplication",
    "files": [
      "src/aws/s3/replication.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetBucketTagging",
    "files": [
      "src/aws/s3/bucket.ts",
      "src/aws/s3/tags.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetBucketVersioning",
    "files": [
      "src/aws/s3/versioning.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetObject",
    "files": [
      "src/aws/glue/script.ts",
      "src/dq/engine/store.ts",
      "src/kinds/qualitypipeline/glue-runs.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetObjectLockConfiguration",
    "files": [
      "src/aws/s3/object-lock.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "GetPublicAccessBlock",
    "files": [
      "src/aws/s3/public-access-block.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "HeadBucket",
    "files": [
      "src/aws/s3/bucket.ts",
      "src/kinds/qualitypipeline/source.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "HeadObject",
    "files": [
      "src/aws/glue/script.ts",
      "src/aws/s3/replication-probe.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "ListBuckets",
    "files": [
      "src/aws/s3/bucket.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "ListObjectsV2",
    "files": [
      "src/dq/engine/store.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "ListObjectVersions",
    "files": [
      "src/aws/s3/object-versions.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutBucketEncryption",
    "files": [
      "src/aws/s3/encryption.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutBucketLifecycleConfiguration",
    "files": [
      "src/aws/s3/lifecycle.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutBucketOwnershipControls",
    "files": [
      "src/aws/s3/ownership-controls.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutBucketPolicy",
    "files": [
      "src/aws/s3/bucket-policy.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutBucketReplication",
    "files": [
      "src/aws/s3/replication.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutBucketTagging",
    "files": [
      "src/aws/s3/tags.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutBucketVersioning",
    "files": [
      "src/aws/s3/versioning.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutObject",
    "files": [
      "src/aws/glue/script.ts",
      "src/aws/s3/replication-probe.ts",
      "src/dq/engine/store.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutObjectLockConfiguration",
    "files": [
      "src/aws/s3/object-lock.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "PutPublicAccessBlock",
    "files": [
      "src/aws/s3/public-access-block.ts"
    ]
  },
  {
    "service": "s3",
    "operation": "UploadPart",
    "files": [
      "src/dq/engine/store.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "CreateTopic",
    "files": [
      "src/aws/sns/topic.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "DeleteTopic",
    "files": [
      "src/aws/sns/topic.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "GetTopicAttributes",
    "files": [
      "src/aws/sns/topic.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "ListSubscriptionsByTopic",
    "files": [
      "src/aws/sns/subscriptions.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "ListTagsForResource",
    "files": [
      "src/aws/sns/topic.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "SetTopicAttributes",
    "files": [
      "src/aws/sns/topic.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "Subscribe",
    "files": [
      "src/aws/sns/subscriptions.ts"
    ]
  },
  {
    "service": "sns",
    "operation": "Unsubscribe",
    "files": [
      "src/aws/sns/subscriptions.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "ChangeMessageVisibility",
    "files": [
      "src/aws/events/consumer.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "CreateQueue",
    "files": [
      "src/aws/events/queue.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "DeleteMessage",
    "files": [
      "src/aws/events/consumer.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "GetQueueAttributes",
    "files": [
      "src/aws/events/queue.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "GetQueueUrl",
    "files": [
      "src/aws/events/queue.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "ListQueueTags",
    "files": [
      "src/aws/events/queue.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "ReceiveMessage",
    "files": [
      "src/aws/events/consumer.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "SetQueueAttributes",
    "files": [
      "src/aws/events/queue.ts"
    ]
  },
  {
    "service": "sqs",
    "operation": "TagQueue",
    "files": [
      "src/aws/events/consumer.ts"
    ]
  },
  {
    "service": "sts",
    "operation": "AssumeRole",
    "files": [
      "src/aws/accounts/credentials.ts"
    ]
  },
  {
    "service": "sts",
    "operation": "GetCallerIdentity",
    "files": [
      "src/aws/account.ts",
      "src/aws/events/accounts.ts",
      "src/aws/events/consumer.ts"
    ]
  }
];

/** The least-privilege IAM policy for the operator's role (`seawall iam-policy`). */
export const iamPolicy: PolicyDocument = {
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "SeawallCloudTrail",
      "Effect": "Allow",
      "Action": [
        "cloudtrail:AddTags",
        "cloudtrail:CreateTrail",
        "cloudtrail:DeleteTrail",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetTrail",
        "cloudtrail:GetTrailStatus",
        "cloudtrail:ListTags",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:StartLogging",
        "cloudtrail:UpdateTrail"
      ],
      "Resource": "*"
    },
    {
      "Sid": "SeawallCloudWatch",
      "Effect": "Allow",
      "Action": [
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DeleteDashboards",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:GetDashboard",
        "cloudwatch:GetMetricStatistics",
        "cloudwatch:ListTagsForResource",
        "cloudwatch:PutDashboard",
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:PutMetricData",
        "cloudwatch:TagResource"
      ],
      "Resource": "*"
    },
    {
      "Sid": "SeawallIam",
      "Effect": "Allow",
      "Action": [
        "iam:GetRole",
        "iam:GetRolePolicy"
      ],
      "Resource": "*"
    },
    {
      "Sid": "SeawallKms",
      "Effect": "Allow",
      "Action": [
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:GenerateDataKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListKeys",
        "kms:ListResourceTags",
        "kms:TagResource"
      ],
      "Resource": "*"
    },
    {
      "Sid": "SeawallS3",
      "Effect": "Allow",
      "Action": [
        "s3:AbortMultipartUpload",
        "s3:CreateBucket",
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:DeleteObject",
        "s3:DeleteObjectVersion",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketPolicy",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketTagging",
        "s3:GetBucketVersioning",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:GetReplicationConfiguration",
        "s3:ListAllMyBuckets",
        "s3:ListBucket",
        "s3:ListBucketVersions",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketOwnershipControls",
        "s3:PutBucketPolicy",
        "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketTagging",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:PutObject",
        "s3:PutReplicationConfiguration",
        "s3:TagResource"
      ],
      "Resource": "*"
    },
    {
      "Sid": "SeawallSns",
      "Effect": "Allow",
      "Action": [
        "sns:CreateTopic",
        "sns:DeleteTopic",
        "sns:GetTopicAttributes",
        "sns:ListSubscriptionsByTopic",
        "sns:ListTagsForResource",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:TagResource",
        "sns:Unsubscribe"
      ],
      "Resource": "*"
    },
    {
      "Sid": "SeawallIamRoles",
      "Effect": "Allow",
      "Action": [
        "iam:CreateRole",
        "iam:DeleteRole",
        "iam:DeleteRolePolicy",
        "iam:PutRolePolicy",
        "iam:TagRole",
        "iam:UntagRole",
        "iam:UpdateAssumeRolePolicy"
      ],
      "Resource": "arn:aws:iam::*:role/seawall/*"
    },
    {
      "Sid": "SeawallAssumeAccountRoles",
      "Effect": "Allow",
      "Action": [
        "sts:AssumeRole"
      ],
      "Resource": "arn:aws:iam::*:role/seawall/*"
    },
    {
      "Sid": "SeawallKmsCreateTaggedKeys",
      "Effect": "Allow",
      "Action": [
        "kms:CreateKey"
      ],
      "Resource": "*",
      "Condition": {
        "Null": {
          "aws:RequestTag/seawall.dev/owner": [
            "false"
          ]
        }
      }
    },
    {
      "Sid": "SeawallKmsChangeOwnedKeys",
      "Effect": "Allow",
      "Action": [
        "kms:CancelKeyDeletion",
        "kms:DisableKeyRotation",
        "kms:EnableKey",
        "kms:EnableKeyRotation",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
        "kms:UntagResource"
      ],
      "Resource": "arn:aws:kms:*:*:key/*",
      "Condition": {
        "Null": {
          "aws:ResourceTag/seawall.dev/owner": [
            "false"
          ]
        }
      }
    },
    {
      "Sid": "SeawallKmsAliases",
      "Effect": "Allow",
      "Action": [
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:UpdateAlias"
      ],
      "Resource": [
        "arn:aws:kms:*:*:alias/*",
        "arn:aws:kms:*:*:key/*"
      ]
    },
    {
      "Sid": "SeawallGlue",
      "Effect": "Allow",
      "Action": [
        "glue:CreateCrawler",
        "glue:CreateJob",
        "glue:CreateTrigger",
        "glue:CreateWorkflow",
        "glue:DeleteCrawler",
        "glue:DeleteJob",
        "glue:DeleteTrigger",
        "glue:DeleteWorkflow",
        "glue:GetCrawler",
        "glue:GetJob",
        "glue:GetJobRuns",
        "glue:GetTags",
        "glue:GetTrigger",
        "glue:GetWorkflow",
        "glue:StartJobRun",
        "glue:StartTrigger",
        "glue:TagResource",
        "glue:UpdateCrawler",
        "glue:UpdateJob",
        "glue:UpdateTrigger",
        "glue:UpdateWorkflow"
      ],
      "Resource": [
        "arn:aws:glue:*:*:job/seawall-*",
        "arn:aws:glue:*:*:workflow/seawall-*",
        "arn:aws:glue:*:*:trigger/seawall-*",
        "arn:aws:glue:*:*:crawler/seawall-*"
      ]
    },
    {
      "Sid": "SeawallDriftEventQueues",
      "Effect": "Allow",
      "Action": [
        "sqs:ChangeMessageVisibility",
        "sqs:CreateQueue",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ListQueueTags",
        "sqs:ReceiveMessage",
        "sqs:SetQueueAttributes",
        "sqs:TagQueue"
      ],
      "Resource": "arn:aws:sqs:*:*:seawall-drift-events*"
    },
    {
      "Sid": "SeawallDriftEventRule",
      "Effect": "Allow",
      "Action": [
        "events:DescribeRule",
        "events:ListTagsForResource",
        "events:ListTargetsByRule",
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:TagResource"
      ],
      "Resource": "arn:aws:events:*:*:rule/seawall-drift-events"
    },
    {
      "Sid": "SeawallPassRole",
      "Effect": "Allow",
      "Action": [
        "iam:PassRole"
      ],
      "Resource": "arn:aws:iam::*:role/seawall/*",
      "Condition": {
        "StringEquals": {
          "iam:PassedToService": [
            "glue.amazonaws.com",
            "s3.amazonaws.com"
          ]
        }
      }
    }
  ]
};
