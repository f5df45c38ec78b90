// `npm run stack`: starts the local stack for a person and keeps it up until Ctrl-C.
import { startStack } from './stack.ts';

const stack = await startStack();
console.log(`Local stack is up (state in ${stack.dir}).

  export KUBECONFIG=${stack.kubeconfig}
  export AWS_ENDPOINT_URL=${stack.motoEndpoint} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
  kubectl get crds
  kubectl get seawall -A

Logs: ${Object.values(stack.logs).join(', ')}
Press Ctrl-C to stop.`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
