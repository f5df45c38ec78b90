// `seawall iam-policy`: the least-privilege IAM policy the operator's role needs,
// generated from the AWS calls in the code (src/aws/iam-policy.ts).
import { parseArgs } from 'node:util';
import { iamPolicy, sdkCalls } from '../aws/iam-policy.generated.ts';
import { iamActionsFor } from '../aws/iam-policy.ts';

const HELP = `Usage: seawall iam-policy [--explain]

Prints the IAM policy (JSON) to attach to the operator's role (IRSA / EKS Pod Identity).
  --explain   instead, list each IAM action with the SDK operations and files that need it`;

export async function iamPolicyCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { explain: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
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
