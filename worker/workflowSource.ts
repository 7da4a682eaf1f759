import { access } from 'node:fs/promises';
import type { WorkerOptions } from '@temporalio/worker';

const bundlePath = new URL('../workflow-bundle.js', import.meta.url).pathname;
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * Workflow interceptor modules every bundle must include (`npm run build`, tests, development):
 * worker/refusePlainPayloads.ts ends a workflow whose input was not encrypted with our key;
 * worker/reportOperationEvents.ts reports dispatches, redeems and ends to the worker's
 * `operationEvents` sink (metrics and audit).
 */
export const workflowInterceptorModules = [
  new URL(`./refusePlainPayloads${extension}`, import.meta.url).pathname,
  new URL(`./reportOperationEvents${extension}`, import.meta.url).pathname,
];

/**
 * Production runs the bundle built by `npm run build` (no webpack at start-up); development bundles
 * `workflows/index.ts` when the worker starts.
 */
export async function workflowSource(): Promise<Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'interceptors'>> {
  try {
    await access(bundlePath);
    return { workflowBundle: { codePath: bundlePath } };
  } catch {
    return {
      workflowsPath: new URL('../workflows/index.ts', import.meta.url).pathname,
      interceptors: { workflowModules: workflowInterceptorModules },
    };
  }
}
