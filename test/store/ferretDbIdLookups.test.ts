import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, startFerretDb, type ProcessService } from '../../scripts/services.js';

// FerretDB 1.24 on SQLite looked a document up by `_id` with an expression its own unique `_id`
// index does not match, and only when the filter was `_id` alone: every lookup scanned the
// collection, parsing each document's JSON, and FerretDB's CPU per flow grew with every document
// stored. scripts/ferretdb/overlay/ fixes both (built by scripts/install-tools.sh). FerretDB's
// `explain` answers SQLite's own plan of the query it runs.

let dir: string;
let ferret: ProcessService;
let client: MongoClient;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outband-ferret-'));
  const port = await freePort();
  ferret = await startFerretDb({ port, dataDir: dir, output: () => {} });
  client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/lookups`);
  await client.db().collection<{ _id: string; n: number }>('records').insertOne({ _id: 'a', n: 1 });
});
afterAll(async () => {
  await client?.close();
  await ferret?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function planOf(filter: object): Promise<{ plan: string; pushdown: boolean }> {
  const explained = await client.db().command({ explain: { find: 'records', filter } });
  return { plan: JSON.stringify(explained.queryPlanner), pushdown: explained.filterPushdown === true };
}

it('looks a document up by _id through the _id index, not a scan of the collection', async () => {
  expect(await planOf({ _id: 'a' })).toEqual({ plan: expect.stringMatching(/SEARCH \S+ USING INDEX \S+__id_ /), pushdown: true });
  expect(await client.db().collection<{ _id: string }>('records').findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 1 });
});

it('looks up by _id also when the filter has other conditions (compare-and-set writes), and still applies them', async () => {
  expect(await planOf({ _id: 'a', n: 1 })).toEqual({ plan: expect.stringMatching(/SEARCH \S+ USING INDEX \S+__id_ /), pushdown: true });
  const records = client.db().collection<{ _id: string; n: number }>('records');
  expect(await records.findOne({ _id: 'a', n: 2 })).toBeNull();
  expect((await records.updateOne({ _id: 'a', n: 2 }, { $set: { n: 3 } })).modifiedCount).toBe(0);
  expect((await records.updateOne({ _id: 'a', n: 1 }, { $set: { n: 2 } })).modifiedCount).toBe(1);
  expect(await records.findOne({ _id: 'a' })).toEqual({ _id: 'a', n: 2 });
});
