/**
 * Development codec server for the Temporal Web UI of `npm start`: the same codec endpoint as the
 * API's `/codec`, without a key, and therefore bound to loopback only (the operator's own machine).
 * The UI's codec setting sends no credentials; a production UI calls the API's `/codec` with a key.
 */
import { once } from 'node:events';
import express from 'express';
import { createCodecRouter } from '../api/codecRouter.js';
import { errorHandler, notFoundHandler } from '../api/errorHandler.js';
import { loadConfigOrExit } from '../config/loadConfig.js';
import { AesGcmPayloadCodec } from '../worker/payloadCodec.js';

const config = loadConfigOrExit();
const port = Number(process.env.CODEC_SERVER_PORT ?? 8081);
const uiPort = process.env.TEMPORAL_UI_PORT ?? '8233';
const app = express()
  .use(
    createCodecRouter({
      codec: new AesGcmPayloadCodec(config.payloadCodecKey),
      allowedOrigins: [`http://localhost:${uiPort}`, `http://127.0.0.1:${uiPort}`],
    }),
  )
  .use(notFoundHandler)
  .use(errorHandler);
const server = app.listen(port, '127.0.0.1');
await once(server, 'listening');
process.stdout.write(`codec server on http://127.0.0.1:${port}/codec (loopback only)\n`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
