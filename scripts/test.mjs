#!/usr/bin/env node
// `npm test`: installs what is missing (scripts/bootstrap.mjs: npm packages and every tool of
// .tools/, since the integration tests start their own servers on free ports), then runs
// `vitest run` with the arguments given after `npm test --`. vitest's last line, the summary
// reporter's `N passed, N failed`, stays the last line printed; its exit code is ours.
import { spawn } from 'node:child_process';
import { installMissing, root } from './bootstrap.mjs';

installMissing(['temporal', 'temporal-test-server', 'ferretdb', 'schemathesis']);

const vitest = spawn(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C in a terminal reaches vitest directly (same process group), and vitest stops its servers;
// this process only waits for it. A SIGINT passed on as well would hit vitest twice and kill it
// before its cleanup, so only SIGTERM (which no terminal sends to the group) is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => vitest.kill('SIGTERM'));
vitest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
