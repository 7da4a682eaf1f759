#!/usr/bin/env node
// `npm start`: installs what is missing (scripts/bootstrap.mjs), then runs the whole development
// stack (scripts/devStack.ts).
import { installMissing } from './bootstrap.mjs';

// Only the tools this run will start: a Temporal or MongoDB given by address is used as it is.
const tools = [];
if (!process.env.TEMPORAL_ADDRESS) tools.push('temporal');
if (!process.env.MONGODB_URI) tools.push('ferretdb');
installMissing(tools);

const { register } = await import('tsx/esm/api');
register();
await import('./devStack.ts');
