import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { graphFailure, newUserBody, nextPath, openSandbox } from './graph-harness.js';
import type { SandboxHarness } from './graph-harness.js';

interface DeltaPage {
  value: Record<string, unknown>[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

let harness: SandboxHarness;
const api = (path: string) => harness.graph.client.api(path);

beforeAll(async () => {
  harness = await openSandbox({ size: 60 });
});
afterAll(async () => {
  await harness.sandbox.close();
});

/** Follows nextLinks to the end of a round; returns every item and the deltaLink. */
async function round(start: string): Promise<{ items: Record<string, unknown>[]; deltaLink: string }> {
  const items: Record<string, unknown>[] = [];
  let page = (await api(start).header('Prefer', 'odata.maxpagesize=25').get()) as DeltaPage;
  for (;;) {
    items.push(...page.value);
    const next = page['@odata.nextLink'];
    if (next === undefined) break;
    page = (await api(nextPath(next)).get()) as DeltaPage;
  }
  const deltaLink = page['@odata.deltaLink'];
  if (deltaLink === undefined) throw new Error('round ended without a deltaLink');
  return { items, deltaLink };
}

describe('/users/delta', () => {
  it('lists every user in pages, then reports only changes with @removed reasons', async () => {
    const initial = await round('/users/delta?$select=displayName,jobTitle');
    expect(initial.items).toHaveLength(harness.sandbox.store.userCount);
    expect(Object.keys(initial.items[0] ?? {}).sort()).toEqual(['displayName', 'id', 'jobTitle']);
    expect(initial.deltaLink).toMatch(/\/v1\.0\/users\/delta\?\$deltatoken=/);

    const [changed, softDeleted, purged] = [...harness.sandbox.store.activeUsers()];
    const created = (await api('/users').post(newUserBody('delta.new'))) as { id: string };
    await api(`/users/${changed?.id ?? ''}`).patch({ jobTitle: 'Delta Tester' });
    await api(`/users/${softDeleted?.id ?? ''}`).delete();
    await api(`/users/${purged?.id ?? ''}`).delete();
    await api(`/directory/deletedItems/${purged?.id ?? ''}`).delete();

    const changes = await round(nextPath(initial.deltaLink));
    const byId = new Map(changes.items.map((item) => [item['id'], item]));
    expect(changes.items).toHaveLength(4);
    expect(byId.get(created.id)).toMatchObject({ displayName: 'Test delta.new' });
    expect(byId.get(changed?.id)).toMatchObject({ jobTitle: 'Delta Tester' });
    expect(byId.get(softDeleted?.id)).toEqual({ id: softDeleted?.id, '@removed': { reason: 'changed' } });
    expect(byId.get(purged?.id)).toEqual({ id: purged?.id, '@removed': { reason: 'deleted' } });

    const quiet = await round(nextPath(changes.deltaLink));
    expect(quiet.items).toEqual([]);
  });

  it('answers $deltatoken=latest with no items and a deltaLink', async () => {
    const latest = await round('/users/delta?$deltatoken=latest');
    expect(latest.items).toEqual([]);
    await api('/users').post(newUserBody('after.latest'));
    const next = await round(nextPath(latest.deltaLink));
    expect(next.items.map((item) => item['displayName'])).toEqual(['Test after.latest']);
  });

  it('refuses a damaged delta token', async () => {
    expect((await graphFailure(api('/users/delta?$deltatoken=garbage').get())).status).toBe(400);
  });
});
