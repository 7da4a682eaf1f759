// A worker process that runs one activity and SIGKILLs itself right after one given write has
// reached the database: the write is there, nobody heard its answer. Spawned by
// killedWorker.test.ts, which then reruns the activity in another process.
//   MONGO_URI            the test database
//   KILL_AFTER           `<collection>.<method>` (the first such call)
//   ACTIVITY             the activity's name, e.g. `issueRequest`
//   ACTIVITY_INPUT       its input, JSON
import { MongoClient } from 'mongodb';
import { activitiesOver, fixedClock, losingAnswerOf } from './activityFixtures.js';

const [collection, method] = process.env.KILL_AFTER!.split('.') as [string, string];
const mongo = new MongoClient(process.env.MONGO_URI!, { serverSelectionTimeoutMS: 2_000 });
const db = losingAnswerOf(mongo.db(), collection, method, 1, () => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: the process is gone');
});
const activities = activitiesOver(db, { clock: fixedClock }) as unknown as Record<string, (input: unknown) => Promise<unknown>>;
const result = await activities[process.env.ACTIVITY!]!(JSON.parse(process.env.ACTIVITY_INPUT!));
// Reached only when the write never happened: the test fails on the exit code.
process.stdout.write(JSON.stringify(result));
await mongo.close();
process.exit(3);
