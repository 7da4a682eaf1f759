import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, startFerretDb, type ProcessService } from '../../scripts/services.js';

// FerretDB 1.24 on SQLite looks a document up by `_id` with `_ferretdb_sjson->'$._id' = ?`, an
// expression its own unique `_id` index does not match: every lookup scanned the collection, and
// FerretDB's CPU per flow grew with every document stored. The wrapper (scripts/ferretdb/main.go)
// adds an index on that expression to every collection's table. This reads SQLite's own plan of
// FerretDB's lookup query, with Python's sqlite3 (FerretDB holds the file; Node 20 has no SQLite).

let dir: string;
let ferret: ProcessService;
let client: MongoClient;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outband-ferret-'));
  const port = await freePort();
  ferret = await startFerretDb({ port, dataDir: dir, output: () => {} });
  client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/lookups`);
});
afterAll(async () => {
  await client?.close();
  await ferret?.stop();
  await rm(dir, { recursive: true, force: true });
});

function lookupPlan(collection: string): string {
  const script = `
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
row = db.execute("SELECT table_name FROM _ferretdb_collections WHERE name = ?", (sys.argv[2],)).fetchone()
table = row[0]
plan = db.execute(f"EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM \\"{table}\\" WHERE _ferretdb_sjson->'$._id' = ?", ('"a"',)).fetchall()
print(" | ".join(step[3] for step in plan))
`;
  return execFileSync('python3', ['-c', script, join(dir, 'lookups.sqlite'), collection], { encoding: 'utf8' }).trim();
}

it('looks documents up by _id through an index, not a scan of the collection', async () => {
  await client.db().collection<{ _id: string }>('records').insertOne({ _id: 'a' });
  // The wrapper indexes new tables every 2 s.
  let plan = lookupPlan('records');
  for (const deadline = Date.now() + 10_000; !plan.includes('USING INDEX') && Date.now() < deadline; plan = lookupPlan('records')) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(plan).toMatch(/SEARCH \S+ USING INDEX \S+__id_lookup/);
  expect(await client.db().collection<{ _id: string }>('records').findOne({ _id: 'a' })).toEqual({ _id: 'a' });
});
