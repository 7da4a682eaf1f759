/**
 * Development codec server for the Temporal Web UI of `npm start`: the same codec endpoint as the
 * API's `/codec`, without a key, and therefore bound to loopback only (the operator's own machine)
 * and answering loopback host names only (no DNS rebinding). It alone passes unencrypted payloads
 * through, so the UI still shows what a client without the key sent; a production UI calls the
 * API's `/codec/decode` with an operator key (CODEC_API_KEYS).
 */
import { once } from 'node:events';
import express from 'express';
import { createCodecRouter } from '../api/codecRouter.js';
import { errorHandler, notFoundHandler } from '../api/errorHandler.js';
import { loadConfigOrExit } from '../config/loadConfig.js';
import { loopbackHostOnly } from '../emulators/fcm/loopbackHostOnly.js';
import { AesGcmPayloadCodec } from '../codec/payloadCodec.js';

const config = loadConfigOrExit();
const port = Number(process.env.CODEC_SERVER_PORT ?? 8081);
const uiPort = process.env.TEMPORAL_UI_PORT ?? '8233';
const app = express()
  .use(loopbackHostOnly())
  .use(
    createCodecRouter({
      codec: new AesGcmPayloadCodec(config.payloadCodecKey, [], 'passThrough'),
      // The UI encodes what an operator types (signal, query arguments) before sending it.
      actions: ['encode', 'decode'],
      // npm start's Temporal UI: the only origins this server answers with CORS.
      allowedOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
    }),
  )
  .use(notFoundHandler)
  .use(errorHandler);
const server = app.listen(port, '127.0.0.1');
await once(server, 'listening');
process.stdout.write(`codec server on http://127.0.0.1:${port}/codec (loopback only)\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
