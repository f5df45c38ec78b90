// AWS's own rules for the names and tags a spec carries, as schema and CEL, so the API
// server refuses what AWS would refuse later (a Stalled object at best, an endless retry
// at worst). Each rule is checked against AWS's documentation and API models:
// - bucket names: S3 User Guide, "General purpose bucket naming rules";
// - tags: the service models' TagKey/TagValue shapes (botocore, aws-sdk-js-v3): IAM's is
//   the strictest (a character class), S3/KMS/IAM/SNS/CloudWatch/CloudTrail/Glue all cap
//   keys at 128 and values at 256 characters and reserve the `aws:` prefix;
// - regions: the partitions table of the AWS SDK this version ships (regions.generated.ts).
import { Type } from '@sinclair/typebox';
import { OWNER_TAG } from './common.ts';
import { AWS_PARTITIONS } from './regions.generated.ts';
import { type CelRule, celString, StringEnum, withRules } from './schema-helpers.ts';

export const BUCKET_NAME_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';

/** Prefixes S3 reserves (`sthree-` covers `sthree-configurator`). */
export const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
/** Suffixes S3 reserves: access point and Object Lambda aliases, MRAPs, directory and table buckets. */
export const RESERVED_BUCKET_SUFFIXES = [
  '-s3alias',
  '--ol-s3',
  '.mrap',
  '--x-s3',
  '--table-s3',
] as const;

const IP_ADDRESS_PATTERN = '^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$';

/** `'a', 'b'` → the alternation of a regex, each escaped. */
function alternation(values: readonly string[]): string {
  return values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

const bucketNameRules: CelRule[] = [
  {
    rule: "!self.contains('..')",
    message: 'a bucket name must not contain two adjacent periods',
    jsonSchema: { not: { pattern: '\\.\\.' } },
  },
  {
    rule: `!self.matches(${celString(IP_ADDRESS_PATTERN)})`,
    message: 'a bucket name must not be formatted as an IP address',
    jsonSchema: { not: { pattern: IP_ADDRESS_PATTERN } },
  },
  {
    rule: `!self.matches(${celString(`^(${alternation(RESERVED_BUCKET_PREFIXES)})`)})`,
    message: `a bucket name must not start with a prefix S3 reserves (${RESERVED_BUCKET_PREFIXES.join(', ')})`,
    jsonSchema: { not: { pattern: `^(${alternation(RESERVED_BUCKET_PREFIXES)})` } },
  },
  {
    rule: `!self.matches(${celString(`(${alternation(RESERVED_BUCKET_SUFFIXES)})$`)})`,
    message: `a bucket name must not end with a suffix S3 reserves (${RESERVED_BUCKET_SUFFIXES.join(', ')})`,
    jsonSchema: { not: { pattern: `(${alternation(RESERVED_BUCKET_SUFFIXES)})$` } },
  },
];

export function BucketName(description: string) {
  return withRules(
    Type.String({ description, minLength: 3, maxLength: 63, pattern: BUCKET_NAME_PATTERN }),
    bucketNameRules,
  );
}

/** Every region Seawall knows, all partitions. */
export const AWS_REGIONS: readonly string[] = AWS_PARTITIONS.flatMap((p) => p.regions);

/**
 * An AWS region, from the partitions the SDK knows. An enum, not a pattern: `xx-east-1`
 * matches every pattern and is answered by no endpoint (the operator would retry it
 * forever). A region newer than this version of Seawall needs a newer Seawall.
 */
export function Region(description: string) {
  return StringEnum(AWS_REGIONS as [string, ...string[]], { description });
}

/** IAM's TagKey/TagValue character class, the strictest of the services a tag reaches. */
const TAG_CHARACTERS = '\\p{L}\\p{Z}\\p{N}_.:/=+\\-@';
export const TAG_KEY_PATTERN = `^[${TAG_CHARACTERS}]+$`;
export const TAG_VALUE_PATTERN = `^[${TAG_CHARACTERS}]*$`;
/** AWS allows 50 tags per resource; Seawall adds its owner tag. */
export const MAX_USER_TAGS = 49;

/**
 * Tags that go on AWS resources (every resource of a ProtectedBucket: bucket, KMS keys,
 * IAM role). Keys are map keys, which a structural schema cannot constrain: CEL does.
 */
export function AwsTags(description: string) {
  return withRules(
    Type.Record(
      Type.String(),
      Type.String({
        description:
          'A tag value: up to 256 letters, digits, spaces and _ . : / = + - @ (empty allowed).',
        maxLength: 256,
        pattern: TAG_VALUE_PATTERN,
      }),
      { description, maxProperties: MAX_USER_TAGS },
    ),
    [
      {
        rule: 'self.all(k, size(k) <= 128)',
        message: 'a tag key has at most 128 characters',
        jsonSchema: { propertyNames: { maxLength: 128 } },
      },
      {
        rule: `self.all(k, k.matches(${celString(TAG_KEY_PATTERN)}))`,
        message: 'a tag key may hold only letters, digits, spaces and _ . : / = + - @',
        jsonSchema: { propertyNames: { pattern: TAG_KEY_PATTERN } },
      },
      {
        rule: "self.all(k, !k.lowerAscii().startsWith('aws:'))",
        message: 'the tag key prefix aws: is reserved for AWS',
        jsonSchema: { propertyNames: { not: { pattern: '^[aA][wW][sS]:' } } },
      },
      {
        rule: `!(${celString(OWNER_TAG)} in self)`,
        message: `the tag ${OWNER_TAG} is Seawall's own (it names the owner)`,
        jsonSchema: { not: { required: [OWNER_TAG] } },
      },
      {
        // IAM compares tag keys without regard to case: Team and team on one role fail.
        rule: 'self.all(k, self.exists_one(j, j.lowerAscii() == k.lowerAscii()))',
        message: 'two tag keys differ only in case (IAM treats them as the same key)',
      },
    ],
  );
}
