import { once } from 'node:events';
import { createDemoApp } from './createDemoApp.js';

// The demo relying party of `npm start` (development only; its own variables).
const port = Number(process.env.DEMO_PORT ?? 3001);
const outbandUrl = process.env.OUTBAND_URL ?? 'http://localhost:3000';
const rpKey = process.env.RP_API_KEYS?.split(',')[0]?.trim();
if (!rpKey) {
  process.stderr.write('outband demo: RP_API_KEYS is required\n');
  process.exit(1);
}
const server = createDemoApp({ outbandUrl, rpKey }).listen(port, '127.0.0.1');
await once(server, 'listening');
process.stdout.write(`demo relying party on http://localhost:${port}\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
