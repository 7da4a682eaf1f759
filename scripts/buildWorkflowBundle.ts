/**
 * Pre-bundles the workflow code for production (`npm run build`): the worker then loads
 * dist/workflow-bundle.js instead of running webpack at start-up (worker/workflowSource.ts).
 */
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorModules } from '../worker/workflowSource.js';

const { code } = await bundleWorkflowCode({
  workflowsPath: new URL('../workflows/index.ts', import.meta.url).pathname,
  workflowInterceptorModules,
});
const target = new URL('../dist/workflow-bundle.js', import.meta.url);
await writeFile(target, code);
console.log(`workflow bundle written to ${target.pathname}`);
