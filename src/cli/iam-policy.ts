// `seawall iam-policy`: the least-privilege IAM policy the operator's role needs,
// generated from the AWS calls in the code (src/aws/iam-policy.ts).
import { parseArgs } from 'node:util';
import { iamPolicy, sdkCalls } from '../aws/iam-policy.generated.ts';
import {
  assumeOnlyPolicy,
  iamActionsFor,
  targetAccountPolicy,
  targetTrustPolicy,
} from '../aws/iam-policy.ts';

const HELP = `Usage: seawall iam-policy [--explain | --assume-only | --target [--trust --operator-role-arn ARN [--external-id ID]]]

Prints the IAM policy (JSON) to attach to the operator's role (IRSA / EKS Pod Identity).
  --explain             instead, list each IAM action with the SDK operations and files that need it
  --assume-only         the operator's policy when it acts only through AwsAccounts with a role
                        (--require-account): sts:AssumeRole on role/seawall/*, nothing else
  --target              the policy of the role Seawall assumes in another account (an
                        AwsAccount's roleArn, path /seawall/)
  --trust               with --target: that role's trust policy, naming exactly the operator's role
  --operator-role-arn   the operator's role (for --trust)
  --external-id         the sts:ExternalId the trust policy asks for (the AwsAccount's externalId)`;

export async function iamPolicyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      explain: { type: 'boolean' },
      'assume-only': { type: 'boolean' },
      target: { type: 'boolean' },
      trust: { type: 'boolean' },
      'operator-role-arn': { type: 'string' },
      'external-id': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const print = (document: unknown) => {
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  };
  if (values.trust) {
    const operator = values['operator-role-arn'];
    if (!values.target || !operator) {
      console.error('seawall iam-policy: --trust needs --target and --operator-role-arn');
      return 1;
    }
    return print(targetTrustPolicy(operator, values['external-id']));
  }
  if (values.target) return print(targetAccountPolicy(iamPolicy));
  if (values['assume-only']) return print(assumeOnlyPolicy(iamPolicy));
  if (!values.explain) {
    process.stdout.write(`${JSON.stringify(iamPolicy, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const call of sdkCalls) {
    const rule = iamActionsFor(call.service, call.operation);
    const actions = [
      ...rule.actions,
      ...(rule.passRoleTo ? [`iam:PassRole (${rule.passRoleTo})`] : []),
    ];
    lines.push(
      `${call.service}:${call.operation} → ${actions.join(', ') || '(no permission needed)'}\n    ${call.files.join('\n    ')}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
