import { describe, it, expect } from '@jest/globals';
import { requestCost } from '../../sandbox/throttle/costs.js';

const cost = (method: string, pathAndQuery: string): { resourceUnits: number; write: boolean } => {
  const [path = '', query = ''] = pathAndQuery.split('?');
  return requestCost({ method, path, query: new URLSearchParams(query) });
};

describe('requestCost (published identity costs)', () => {
  it('charges 1 RU for an unlisted identity path such as GET /users/{id}', () => {
    expect(cost('GET', '/v1.0/users/0f5e0c36-7c64-4b7b-8d6a-1f0b8b2a1c11')).toEqual({
      resourceUnits: 1,
      write: false,
    });
    expect(cost('GET', '/v1.0/domains').resourceUnits).toBe(1);
  });

  it('charges 2 RU for GET /users and GET /users/delta', () => {
    expect(cost('GET', '/v1.0/users').resourceUnits).toBe(2);
    expect(cost('GET', '/v1.0/users/delta').resourceUnits).toBe(2);
    expect(cost('GET', '/v1.0/Users/').resourceUnits).toBe(2);
  });

  it('charges 3 RU for GET /subscribedSkus', () => {
    expect(cost('GET', '/v1.0/subscribedSkus').resourceUnits).toBe(3);
  });

  it('charges 5 RU for POST /directoryObjects/getByIds', () => {
    expect(cost('POST', '/v1.0/directoryObjects/getByIds').resourceUnits).toBe(5);
  });

  it('takes 1 RU off for $select', () => {
    expect(cost('GET', '/v1.0/users?$select=id,displayName').resourceUnits).toBe(1);
    expect(cost('GET', '/v1.0/subscribedSkus?$select=skuId').resourceUnits).toBe(2);
  });

  it('adds 1 RU for $expand', () => {
    expect(cost('GET', '/v1.0/users?$expand=manager').resourceUnits).toBe(3);
  });

  it('takes 1 RU off for $top below 20 but not for $top of 20 or more', () => {
    expect(cost('GET', '/v1.0/users?$top=5').resourceUnits).toBe(1);
    expect(cost('GET', '/v1.0/users?$top=19').resourceUnits).toBe(1);
    expect(cost('GET', '/v1.0/users?$top=20').resourceUnits).toBe(2);
    expect(cost('GET', '/v1.0/users?$top=999').resourceUnits).toBe(2);
  });

  it('never charges less than 1 RU', () => {
    expect(cost('GET', '/v1.0/users?$select=id&$top=5').resourceUnits).toBe(1);
    expect(cost('GET', '/v1.0/users/abc?$select=id').resourceUnits).toBe(1);
  });

  it('counts POST, PATCH, PUT and DELETE as writes and GET as a read', () => {
    expect(cost('POST', '/v1.0/users')).toEqual({ resourceUnits: 1, write: true });
    expect(cost('PATCH', '/v1.0/users/abc').write).toBe(true);
    expect(cost('PUT', '/v1.0/users/abc/manager/$ref').write).toBe(true);
    expect(cost('DELETE', '/v1.0/users/abc').write).toBe(true);
    expect(cost('GET', '/v1.0/users/abc').write).toBe(false);
  });

  it('does not charge the $batch envelope, whose items are metered one by one', () => {
    expect(cost('POST', '/v1.0/$batch')).toEqual({ resourceUnits: 0, write: false });
  });
});
