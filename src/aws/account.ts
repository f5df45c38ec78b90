// The AWS account (and partition) the clients' credentials act in. It never changes for
// one set of credentials, so it is asked once (STS GetCallerIdentity) per AwsClients.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsClients } from './clients.ts';

export interface Account {
  accountId: string;
  partition: string;
}

const accounts = new WeakMap<AwsClients, Promise<Account>>();

export function accountOf(aws: AwsClients): Promise<Account> {
  let found = accounts.get(aws);
  if (!found) {
    found = aws
      .sts()
      .send(new GetCallerIdentityCommand({}))
      .then((out) => ({
        accountId: out.Account ?? '',
        partition: out.Arn?.split(':')[1] ?? 'aws',
      }));
    // A failed lookup is asked again next time, not remembered.
    found.catch(() => accounts.delete(aws));
    accounts.set(aws, found);
  }
  return found;
}
