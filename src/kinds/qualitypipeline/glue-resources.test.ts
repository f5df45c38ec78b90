import { describe, expect, it } from 'vitest';
import { isSeawallRole } from './glue-resources.ts';

describe('isSeawallRole: the roles the operator may pass to Glue', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/seawall/seawall-glue-ns-p', true],
    ['arn:aws:iam::123456789012:role/seawall/team/etl', true],
    ['arn:aws:iam::123456789012:role/etl', false],
    ['arn:aws:iam::123456789012:role/seawallish/etl', false],
    ['arn:aws:iam::123456789012:role/admin/seawall/etl', false],
  ])('%s → %s', (arn, passable) => {
    expect(isSeawallRole(arn)).toBe(passable);
  });
});
