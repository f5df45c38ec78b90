// What connects the operator to AWS: error classification by AWS error codes, every AWS
// call counted in the operator's metrics, and silent regions shown in them and logged.
// The runtime knows no cloud; the CLI (and the tests) hand it this.
import type { AwsClients } from '../aws/clients.ts';
import { classifyAwsError } from '../aws/errors.ts';
import type { OperatorOptions } from '../runtime/operator.ts';

export function awsWiring(aws: AwsClients): Pick<OperatorOptions, 'classifiers' | 'instrument'> {
  return {
    classifiers: [classifyAwsError],
    instrument(metrics, log) {
      aws.observe(metrics.observeAwsCall);
      aws.regionHealth.onChange((change) => {
        metrics.awsRegionReachable.set({ region: change.region }, change.reachable ? 1 : 0);
        if (change.reachable) log.info({ region: change.region }, 'AWS region answers again');
        else
          log.error(
            { region: change.region, endpoint: change.endpoint, error: change.error },
            'AWS region does not answer: calls to it are paused for a cool-down',
          );
      });
    },
  };
}
