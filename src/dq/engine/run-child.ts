// The child process of an isolated embedded run (src/dq/engine/isolated.ts): it receives
// one run request over IPC, runs the same pipeline `seawall dq test` and the unit tests
// run, sends the results document back and exits. It owns nothing else: when the parent
// kills it, the parent writes the FAILED document.
import { S3Client } from '@aws-sdk/client-s3';
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
    // S3 alone, not AwsClients: loading every service's SDK would cost the run ~25 MiB of
    // its memory limit. Settings as AwsClients makes them (endpoint, path style, retries).
    const client = new S3Client({
      region: s3.region,
      maxAttempts: 3,
      ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}),
      ...(s3.credentials ? { credentials: s3.credentials } : {}),
    });
    const document = await runEmbeddedPipeline({ ...options, s3: client });
    await send({ type: 'done', document });
  } catch (error) {
    await send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
  process.exit(0);
});
