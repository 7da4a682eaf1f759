// The production build (`npm run build`: tsc to dist/ and the pre-built workflow bundle), run only
// when a source is newer than the bundle it last wrote. `npm start` and `npm run bench` run the
// compiled JavaScript, so neither transpiles at run time nor bundles workflows at worker start.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const projectRoot = new URL('..', import.meta.url).pathname;
/** Written last by the build: its age is the build's. */
export const builtMarker = join(projectRoot, 'dist/workflow-bundle.js');
/** Not part of what runs in production. */
const notBuilt = new Set(['node_modules', 'dist', 'test', 'bench', 'scripts', 'data', 'test-artifacts', 'demo', 'rp', 'web', 'docs', 'coverage']);

function newestSource(dir, depth = 0) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || (depth === 0 && notBuilt.has(entry.name))) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path, depth + 1));
    else if (depth > 0 ? entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') : /^(package(-lock)?\.json|tsconfig.*\.json)$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/** True when dist/ is missing or older than a source it is built from. */
export function isBuildStale() {
  let built;
  try {
    built = statSync(builtMarker).mtimeMs;
  } catch {
    return true;
  }
  return newestSource(projectRoot) > built;
}

/** Runs `npm run build` when stale; throws when it fails. `log` hears one line when it builds. */
export function buildIfStale(log = (line) => process.stderr.write(`${line}\n`)) {
  if (!isBuildStale()) return false;
  log('building the production runtime (npm run build: tsc → dist/, pre-built workflow bundle)');
  const built = spawnSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('npm run build failed');
  return true;
}
