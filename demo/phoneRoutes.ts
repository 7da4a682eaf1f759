import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import express, { Router } from 'express';
import type { OutbandClient } from '../rp/createOutbandClient.js';

const phoneDir = fileURLToPath(new URL('../web/phone/', import.meta.url));
/** Headers a phone sends that Outband needs; nothing else crosses the relay (no cookies). */
const forwardedHeaders = ['content-type', 'accept', 'authorization', 'device-signature'];

/** The simulated phone (device/) bundled for the browser, once per process. */
async function bundlePhone(): Promise<string> {
  const result = await build({ entryPoints: [`${phoneDir}phone.ts`], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.text;
}

/**
 * `/phone`: a phone in the browser, built on device/. Outband's API serves no CORS headers, so the
 * page reaches it through `/phone/relay`, a plain pass-through of the phone's own calls (the
 * relying party's key is never added). The FCM emulator allows any origin; the page polls it.
 */
export function createPhoneRoutes({ outbandUrl, fcmEmulatorUrl }: { outbandUrl: string; fcmEmulatorUrl: string }, client: OutbandClient): Router {
  const router = Router();
  let bundle: Promise<string> | undefined;
  router.get('/', (_req, res) => res.sendFile(`${phoneDir}index.html`));
  router.get('/phone.js', async (_req, res) => {
    bundle ??= bundlePhone();
    res.type('application/javascript').set('cache-control', 'no-cache').send(await bundle);
  });
  router.get('/config.json', async (_req, res) => {
    const [facetId] = await client.facets();
    res.json({ facetId, fcmEmulatorUrl });
  });
  router.use('/relay', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    if (!req.url.startsWith('/nevisfido/')) return void res.status(404).json({ error: 'notFound', message: 'Only Outband API paths are relayed.' });
    const headers: Record<string, string> = {};
    for (const name of forwardedHeaders) if (req.get(name)) headers[name] = req.get(name)!;
    const hasBody = !['GET', 'HEAD'].includes(req.method) && Buffer.isBuffer(req.body) && req.body.length > 0;
    const upstream = await fetch(`${outbandUrl.replace(/\/+$/, '')}${req.url}`, { method: req.method, headers, ...(hasBody && { body: req.body as Buffer }) });
    res.status(upstream.status);
    const type = upstream.headers.get('content-type');
    if (type) res.type(type);
    res.send(Buffer.from(await upstream.arrayBuffer()));
  });
  return router;
}
