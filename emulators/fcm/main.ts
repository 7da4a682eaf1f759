import { once } from 'node:events';
import { pino } from 'pino';
import { createFcmEmulator } from './createFcmEmulator.js';

// Development tool, configured by its own variable (not part of Outband's run-time configuration).
const port = Number(process.env.FCM_EMULATOR_PORT ?? 4010);
const logger = pino({ name: 'fcm-emulator' });
const server = createFcmEmulator({ logger }).app.listen(port, '127.0.0.1');
await once(server, 'listening');
logger.info({ port }, 'fcm emulator listening');
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
