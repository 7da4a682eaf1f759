import { afterAll, beforeAll, expect, it } from 'vitest';
import { pingDatabase } from '../../store/database.js';
import { connectTestDatabase } from '../setup/harness.js';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;
beforeAll(async () => {
  database = await connectTestDatabase();
});
afterAll(() => database?.close());

it('writes and reads a document through FerretDB', async () => {
  await pingDatabase(database.db);
  const things = database.db.collection<{ _id: string; counter: number }>('things');
  await things.insertOne({ _id: 'a', counter: 1 });
  await things.updateOne({ _id: 'a', counter: 1 }, { $set: { counter: 2 } });
  expect(await things.findOne({ _id: 'a' })).toEqual({ _id: 'a', counter: 2 });
});

it('enforces a unique index with the duplicate-key code 11000', async () => {
  const names = database.db.collection('names');
  await names.createIndex({ user: 1, name: 1 }, { unique: true });
  await names.insertOne({ user: 'u', name: 'phone' });
  await expect(names.insertOne({ user: 'u', name: 'phone' })).rejects.toMatchObject({ code: 11000 });
  expect(await names.countDocuments({ user: 'u' })).toBe(1);
});
