import { access } from 'node:fs/promises';
import type { WorkerOptions } from '@temporalio/worker';

const bundlePath = new URL('../workflow-bundle.js', import.meta.url).pathname;

/**
 * Production runs the bundle built by `npm run build` (no webpack at start-up); development bundles
 * `workflows/index.ts` when the worker starts.
 */
export async function workflowSource(): Promise<Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'>> {
  try {
    await access(bundlePath);
    return { workflowBundle: { codePath: bundlePath } };
  } catch {
    return { workflowsPath: new URL('../workflows/index.ts', import.meta.url).pathname };
  }
}
