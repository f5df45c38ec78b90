// The child process of an isolated embedded run (src/dq/engine/isolated.ts): it receives
// one run request over IPC, runs the same pipeline `seawall dq test` and the unit tests
// run, sends the results document back and exits. It owns nothing else: when the parent
// kills it, the parent writes the FAILED document.
import { AwsClients } from '../../aws/clients.ts';
import type { ChildMessage, IsolatedRunRequest } from './isolated.ts';
import { runEmbeddedPipeline } from './pipeline.ts';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

// A run outlives no operator: when the parent goes, so does the run (the next leader finds
// it in status.currentRun and marks it cut short).
process.once('disconnect', () => process.exit(1));

process.once('message', async (message: { type: 'run'; request: IsolatedRunRequest }) => {
  const { options, s3 } = message.request;
  try {
    const aws = new AwsClients({
      defaultRegion: s3.region,
      endpoint: s3.endpoint,
      credentials: s3.credentials,
    });
    const document = await runEmbeddedPipeline({ ...options, s3: aws.s3(s3.region) });
    await send({ type: 'done', document });
  } catch (error) {
    await send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
  process.exit(0);
});
