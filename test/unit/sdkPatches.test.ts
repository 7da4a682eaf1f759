import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

// patches/ is applied by the postinstall (patch-package). An SDK upgrade that the patch no longer
// fits fails the install; a node_modules installed without the postinstall fails here.
describe('patched @temporalio/worker', () => {
  it('installs the workflow promise hook only when WORKER_WORKFLOW_STACK_TRACES=true', () => {
    const source = readFileSync(require.resolve('@temporalio/worker/lib/workflow/vm-shared.js'), 'utf8');
    expect(source).toMatch(/if \(process\.env\.WORKER_WORKFLOW_STACK_TRACES === 'true'\)\s*this\.setPromiseHook\(\);/);
  });
});
