#!/usr/bin/env node
// `npm start`: installs what is missing (scripts/bootstrap.mjs), builds the production runtime when
// a source is newer than it (scripts/buildIfStale.mjs), then runs the whole stack (scripts/devStack.ts):
// the worker, the api and the FCM emulator as compiled JavaScript with the pre-built workflow
// bundle. OUTBAND_RUNTIME=tsx runs them from the sources instead (no build).
import { installMissing } from './bootstrap.mjs';
import { buildIfStale } from './buildIfStale.mjs';

// Only the tools this run will start: a Temporal or MongoDB given by address is used as it is.
const tools = [];
if (!process.env.TEMPORAL_ADDRESS) tools.push('temporal');
if (!process.env.MONGODB_URI) tools.push('ferretdb');
installMissing(tools);
if (process.env.OUTBAND_RUNTIME !== 'tsx') buildIfStale((line) => process.stdout.write(`outband      ${line}\n`));

const { register } = await import('tsx/esm/api');
register();
await import('./devStack.ts');
