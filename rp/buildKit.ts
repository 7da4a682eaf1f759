import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const kitSource = fileURLToPath(new URL('../web/kit/outband-login.js', import.meta.url));

/** The browser kit minified, as a classic script (global `OutbandLogin`) or as an ES module. */
export async function buildKit(format: 'iife' | 'esm'): Promise<string> {
  const result = await build({
    entryPoints: [kitSource],
    bundle: true,
    minify: true,
    format,
    globalName: format === 'iife' ? 'OutbandLogin' : undefined,
    write: false,
    target: 'es2020',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
