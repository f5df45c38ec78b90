// `npm run stack`: starts the local stack for a person and keeps it up until Ctrl-C.
//
//   --info-file PATH   write the stack info (StackInfo JSON: kubeconfig, AWS endpoint,
//                      logs) to PATH once everything is up; for scripts such as
//                      scripts/demo.sh that run the stack in the background
//   --no-crds          do not install crds/ (the caller installs them itself)
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stackInfoOf, startStack } from './stack.ts';

const { values } = parseArgs({
  options: {
    'info-file': { type: 'string' },
    'no-crds': { type: 'boolean', default: false },
  },
});

const stack = await startStack({ installCrds: !values['no-crds'] });
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

const infoFile = values['info-file'];
if (infoFile) {
  // Written whole, then renamed: a reader never sees half a file.
  writeFileSync(`${infoFile}.tmp`, JSON.stringify(stackInfoOf(stack), null, 2));
  renameSync(`${infoFile}.tmp`, infoFile);
  console.log(`Local stack is up; info in ${infoFile}. Stop it with SIGTERM (pid ${process.pid}).`);
} else {
  console.log(`Local stack is up (state in ${stack.dir}).

  export KUBECONFIG=${stack.kubeconfig}
  export AWS_ENDPOINT_URL=${stack.awsEndpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
  kubectl get crds
  kubectl get seawall -A

Logs: ${Object.values(stack.logs).join(', ')}
Press Ctrl-C to stop.`);
}
