#!/usr/bin/env node
// `seawall <command>`: run | validate | plan | dq test | crds | iam-policy. Each command is loaded
// when it is called: validate in a pre-commit hook needs neither the AWS SDK nor the
// Kubernetes client, and loading them all would double its start-up time.

const USAGE = `Usage: seawall <command> [options]

Commands:
  run          run the operator (in-cluster config or --kubeconfig)
  validate     check Seawall YAML as the API server will (-f PATH, -f -, -k DIR)
  plan         show what reconciling that YAML would change in AWS (-f PATH, -k DIR)
  dq test      run DQDL rules over local CSV, JSON Lines or Parquet files (--rules FILE DATA...)
  crds         print the CustomResourceDefinitions
  iam-policy   print the least-privilege IAM policy the operator needs

Run 'seawall <command> --help' for a command's options.`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.ts')).runCommand,
  crds: async () => (await import('./crds.ts')).crdsCommand,
  'iam-policy': async () => (await import('./iam-policy.ts')).iamPolicyCommand,
  validate: async () => (await import('./validate.ts')).validateCommand,
  plan: async () => (await import('./plan.ts')).planCommand,
  dq: async () => (await import('./dq-test.ts')).dqCommand,
};

// `seawall crds | head` closes the pipe early: that ends the output, it is not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const [name, ...args] = process.argv.slice(2);
if (!name || name === '--help' || name === '-h') {
  console.log(USAGE);
  process.exit(name ? 0 : 2);
}
const load = commands[name];
if (!load) {
  console.error(`seawall: unknown command ${JSON.stringify(name)}\n\n${USAGE}`);
  process.exit(2);
}
const command = await load();
process.exitCode = await command(args);
