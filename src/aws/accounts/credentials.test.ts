import type { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { assumedRoleCredentials, REFRESH_BEFORE_EXPIRY_MS, sessionNameFor } from './credentials.ts';

function fakeSts(expiresInMs: number, now: () => number) {
  const calls: unknown[] = [];
  const sts = {
    send: async (command: { input: unknown }) => {
      calls.push(command.input);
      await new Promise((r) => setTimeout(r, 5));
      return {
        Credentials: {
          AccessKeyId: `AK${calls.length}`,
          SecretAccessKey: 's',
          SessionToken: 't',
          Expiration: new Date(now() + expiresInMs),
        },
      };
    },
  } as unknown as STSClient;
  return { sts, calls };
}

describe('AssumeRole credentials (a fake STS: the caching logic only)', () => {
  it('asks once for concurrent callers, keeps the session, renews before expiry', async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const { sts, calls } = fakeSts(3600_000, now);
    const provider = assumedRoleCredentials(
      () => sts,
      { roleArn: 'arn:aws:iam::111111111111:role/seawall/t', externalId: 'x-1', sessionName: 's' },
      now,
    );
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe('AK1');
    expect(b.accessKeyId).toBe('AK1');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ ExternalId: 'x-1', RoleSessionName: 's' });
    clock += 3600_000 - REFRESH_BEFORE_EXPIRY_MS - 1;
    expect((await provider()).accessKeyId).toBe('AK1');
    clock += 2;
    expect((await provider()).accessKeyId).toBe('AK2');
    expect(provider.sessions()).toBe(2);
  });

  it('session names stay within what STS accepts', () => {
    expect(sessionNameFor('data-prod')).toBe('seawall-data-prod');
    expect(sessionNameFor('a'.repeat(80))).toHaveLength(64);
  });
});
