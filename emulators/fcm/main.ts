import { once } from 'node:events';
import { pino } from 'pino';
import { createFcmEmulator } from './createFcmEmulator.js';

// Development tool, configured by its own variable (not part of Outband's run-time configuration):
// FCM_EMULATOR_LISTEN=host:port, loopback by default (0.0.0.0:4010 inside a container).
const [host = '127.0.0.1', port = '4010'] = (process.env.FCM_EMULATOR_LISTEN ?? '127.0.0.1:4010').split(/:(?=\d+$)/);
const logger = pino({ name: 'fcm-emulator' });
// FCM_EMULATOR_ALLOWED_HOSTS: host names besides loopback to answer (the compose service name).
const allowedHosts = (process.env.FCM_EMULATOR_ALLOWED_HOSTS ?? '').split(',').map((name) => name.trim()).filter(Boolean);
const emulator = createFcmEmulator({ logger, allowedHosts });
const server = emulator.app.listen(Number(port), host);
await once(server, 'listening');
logger.info({ host, port: Number(port) }, 'fcm emulator listening');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // Answer held sends and drop idle keep-alive connections, or close() would wait for them.
    emulator.reset();
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
}
