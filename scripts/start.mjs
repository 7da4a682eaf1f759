#!/usr/bin/env node
// `npm start`: installs what is missing (npm packages, the pinned tools), then runs the whole
// development stack (scripts/devStack.ts). Plain JavaScript with Node built-ins only, because it
// runs before `node_modules` exists on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`outband: Node.js >= 20.19 is needed (this is ${process.versions.node})`);
  process.exit(1);
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) {
    console.error(`outband: cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const installed = `${root}node_modules/.package-lock.json`;
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(`${root}package-lock.json`).mtimeMs) {
  console.log('outband: installing npm packages');
  // Not `npm ci`: it rejects a lock file without the optional @swc/core platform packages
  // that some registries do not serve.
  run('npm', ['install', '--no-audit', '--no-fund']);
}

// Only the tools this run will start: a Temporal or MongoDB given by address is used as it is.
const tools = [];
if (!process.env.TEMPORAL_ADDRESS) tools.push('temporal');
if (!process.env.MONGODB_URI) tools.push('ferretdb');
if (tools.length) run('bash', ['scripts/install-tools.sh', ...tools]);

const { register } = await import('tsx/esm/api');
register();
await import('./devStack.ts');
