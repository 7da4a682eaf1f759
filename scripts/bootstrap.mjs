// What `npm start` and `npm test` do first on any checkout, a fresh clone included: check
// Node.js, install the npm packages when node_modules is missing or older than the manifests,
// and install the pinned tools of .tools/ (scripts/install-tools.sh, quick when they are there).
// Plain JavaScript with Node built-ins only: it runs before `node_modules` exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';

export const root = new URL('..', import.meta.url).pathname;

/** Runs a command in the project folder, its output shown; a failure ends this process. */
export function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) {
    console.error(`outband: cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function checkNodeVersion() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`outband: Node.js >= 20.19 is needed (this is ${process.versions.node})`);
    process.exit(1);
  }
}

// npm writes this file last when it installs; older than a manifest means a stale install.
const installedMarker = `${root}node_modules/.package-lock.json`;

function npmPackagesStale() {
  if (!existsSync(installedMarker)) return true;
  const installedAt = statSync(installedMarker).mtimeMs;
  // patches/ is applied by the postinstall (patch-package): a changed patch needs an install too.
  const patches = existsSync(`${root}patches`) ? readdirSync(`${root}patches`).map((name) => `patches/${name}`) : [];
  return ['package.json', 'package-lock.json', ...patches].some((file) => statSync(`${root}${file}`).mtimeMs > installedAt);
}

/**
 * Installs what is missing: the npm packages, then the named tools (`temporal`,
 * `temporal-test-server`, `ferretdb`).
 */
export function installMissing(tools) {
  checkNodeVersion();
  if (npmPackagesStale()) {
    console.log('outband: installing npm packages');
    // Not `npm ci`: it rejects a lock file without the optional @swc/core platform packages
    // that some registries do not serve.
    run('npm', ['install', '--no-audit', '--no-fund']);
    // npm leaves the marker untouched when nothing changed: mark this install as the current one.
    const now = new Date();
    if (existsSync(installedMarker)) utimesSync(installedMarker, now, now);
  }
  if (tools.length) run('bash', ['scripts/install-tools.sh', ...tools]);
}
