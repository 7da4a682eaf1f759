import { once } from 'node:events';
import { MongoClient } from 'mongodb';
import { createDemoApp } from './createDemoApp.js';

// The demo relying party of `npm start` (development only; its own variables).
const port = Number(process.env.DEMO_PORT ?? 3001);
const outbandUrl = process.env.OUTBAND_URL ?? 'http://localhost:3000';
const rpKey = process.env.RP_API_KEYS?.split(',')[0]?.trim();
const mongodbUri = process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/outband';
const fcmEmulatorUrl = `http://${process.env.FCM_EMULATOR_HOST ?? '127.0.0.1:4010'}`;
if (!rpKey) {
  process.stderr.write('outband demo: RP_API_KEYS is required\n');
  process.exit(1);
}
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  process.stderr.write('outband demo: DEMO_PORT must be a port number\n');
  process.exit(1);
}
// The demo's users live beside Outband's data, in collections of their own (demo*).
const mongo = new MongoClient(mongodbUri);
// Derived from the RP key so sessions survive a restart of the demo; development only.
const cookieSecret = process.env.DEMO_COOKIE_SECRET ?? `demo-cookie:${rpKey}`.padEnd(32, '.');
const channelLinking = process.env.DEMO_CHANNEL_LINKING === 'number-match' ? 'number-match' : 'visual-string';
const app = await createDemoApp({ outbandUrl, rpKey, db: mongo.db(), cookieSecret, fcmEmulatorUrl, channelLinking });
const server = app.listen(port, '127.0.0.1');
await once(server, 'listening');
process.stdout.write(`demo relying party on http://localhost:${port} (phone in the browser: http://localhost:${port}/phone)\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => void mongo.close().finally(() => process.exit(0))));
