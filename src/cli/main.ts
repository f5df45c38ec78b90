#!/usr/bin/env node
// `seawall <command>`: run | validate | plan | dq test | crds | iam-policy.
import { crdsCommand } from './crds.ts';
import { dqCommand } from './dq-test.ts';
import { iamPolicyCommand } from './iam-policy.ts';
import { planCommand } from './plan.ts';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';

const USAGE = `Usage: seawall <command> [options]

Commands:
  run          run the operator (in-cluster config or --kubeconfig)
  validate     check Seawall YAML under a path (-f PATH)
  plan         show what reconciling YAML under a path would change in AWS (-f PATH)
  dq test      run DQDL rules over local CSV, JSON Lines or Parquet files (--rules FILE DATA...)
  crds         print the CustomResourceDefinitions
  iam-policy   print the least-privilege IAM policy the operator needs

Run 'seawall <command> --help' for a command's options.`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  run: runCommand,
  crds: crdsCommand,
  'iam-policy': iamPolicyCommand,
  validate: validateCommand,
  plan: planCommand,
  dq: dqCommand,
};

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  console.log(USAGE);
  process.exit(name ? 0 : 2);
}
const command = commands[name];
if (!command) {
  console.error(`seawall: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
  process.exit(2);
}
process.exitCode = await command(args);
