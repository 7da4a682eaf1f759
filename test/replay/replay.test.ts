import { readFile } from 'node:fs/promises';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, expect, it } from 'vitest';
import { createDataConverter } from '../../codec/dataConverter.js';
import { bundleWorkflows } from '../setup/harness.js';
import { historiesDir, historyShapes, recordingCodecKey, type RecordedHistory } from './shapes.js';
import { createOperationEventSinks } from '../../worker/workerMetrics.js';

// Every recorded shape replays against today's workflow code: a change that breaks determinism
// (a new activity call, a reordered timer) fails here instead of in production histories.
let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  bundle = await bundleWorkflows();
});

it.each(historyShapes)('replays %s', async (shape) => {
  const recorded = JSON.parse(await readFile(`${historiesDir}${shape}.json`, 'utf8')) as RecordedHistory;
  expect(recorded.history.events.length).toBeGreaterThan(3);
  await expect(
    Worker.runReplayHistory(
      {
        workflowBundle: bundle,
        dataConverter: createDataConverter(new Uint8Array(Buffer.from(recordingCodecKey, 'base64'))),
        replayName: shape,
        // The sink worker/reportOperationEvents.ts reports to (never called on replay, but it must exist).
        sinks: createOperationEventSinks(),
      },
      recorded.history,
      recorded.workflowId,
    ),
  ).resolves.toBeUndefined();
});
