/**
 * The floor's worker, a process of its own (as Outband's worker is): `floorFlow` and its no-op
 * local activity on FLOOR_TASK_QUEUE of the Temporal server at TEMPORAL_ADDRESS. Started by the
 * benchmark (bench/benchStack.ts); the workflow bundle is built at start, before it polls.
 */
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { FloorActivities } from './workflows.js';

const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const taskQueue = process.env.FLOOR_TASK_QUEUE ?? 'bench-floor';
const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const { code } = await bundleWorkflowCode({ workflowsPath: new URL(`./workflows${extension}`, import.meta.url).pathname, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
const connection = await NativeConnection.connect({ address });
const activities: FloorActivities = { noop: async (payload) => payload };
const worker = await Worker.create({ connection, namespace: 'default', taskQueue, workflowBundle: { code }, activities });
process.stdout.write(`floor worker polling ${taskQueue}\n`);
await worker.run();
await connection.close();
