import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { pino } from 'pino';
import { loadConfigOrExit } from '../config/loadConfig.js';
import { createDatabase } from '../store/database.js';
import { ensureIndexes } from '../store/indexes.js';
import { createDataConverter } from '../codec/dataConverter.js';
import { loadDispatcherPlugins } from '../dispatch/loadDispatcherPlugins.js';
import { createApp } from './createApp.js';
import { registeredDispatcherIds } from './dispatcherIds.js';

const config = loadConfigOrExit();
const logger = pino({ name: 'outband-api' });

// One lazily connected client for the process: never a connection per request.
const connection = Connection.lazy({ address: config.temporal.address });
const client = new Client({
  connection,
  namespace: config.temporal.namespace,
  dataConverter: createDataConverter(config.payloadCodecKey),
});
const { client: mongo, db } = createDatabase(config.mongodbUri);
await ensureIndexes(db);

// The plug-ins' ids, so a dispatch target naming an unregistered dispatcher is refused (422).
const plugins = await loadDispatcherPlugins(config.dispatchPlugins, { linkBaseUrl: config.linkBaseUrl, publicUrl: config.publicUrl });
const dispatcherIds = registeredDispatcherIds(config.linkBaseUrl, plugins);
const server = createApp({ client, db, config, logger, dispatcherIds }).listen(config.port);
await once(server, 'listening');
logger.info({ port: config.port, publicUrl: config.publicUrl }, 'api listening');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'api shutting down');
  // Finish in-flight requests, drop idle keep-alive sockets, then close the clients.
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeIdleConnections();
  const forced = setTimeout(() => server.closeAllConnections(), 10_000);
  await closed;
  clearTimeout(forced);
  await Promise.allSettled([connection.close(), mongo.close()]);
  logger.info('api stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
