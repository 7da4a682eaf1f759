/**
 * vitest globalSetup of the `integration` project: one Temporal dev server, one time-skipping
 * test server and one FerretDB for the whole run, on free ports, started in order by the project's
 * launcher (scripts/services.ts) and stopped at the end. If one fails to start, the ones already
 * running are stopped before the error is reported. The SDK's own launcher is not used: it
 * downloads binaries and waits only 5 s, too little on a loaded 2-core machine. Test files reach
 * the servers through `inject()` (test/setup/harness.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestProject } from 'vitest/node';
import { freePort, ServiceStack, startFerretDb, startTemporalDevServer, startTimeSkippingServer, type Output } from '../../scripts/services.js';
import { searchAttributeKeys } from '../../contract/searchAttributes.js';

const { temporal } = proto;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    timeSkippingAddress: string;
    mongoUri: string;
  }
}

/**
 * The dev server registers the search attributes from its command line; the time-skipping server
 * takes them through the operator service (which it implements for adding, not for listing).
 */
async function registerSearchAttributes(address: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const searchAttributes = Object.fromEntries(
      searchAttributeKeys.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    );
    await connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  } finally {
    await connection.close();
  }
}

// Server logs only when asked: they drown the test report otherwise.
const output: Output = (service, line) => {
  if (process.env.OUTBAND_TEST_SERVER_LOGS) process.stderr.write(`[${service}] ${line}\n`);
};

export interface TestServers {
  temporalAddress: string;
  timeSkippingAddress: string;
  mongoUri: string;
}

/**
 * Starts the servers of a test run on `stack`, in order. `beforeEach` runs before each server
 * starts (a test makes it throw to see a half-way failure stop the servers already started).
 */
export async function startTestServers(
  stack: ServiceStack,
  dataDir: string,
  beforeEach: (name: 'temporal' | 'temporal-test-server' | 'ferretdb') => void | Promise<void> = () => {},
): Promise<TestServers> {
  const temporal = await stack.start(async () => {
    await beforeEach('temporal');
    return startTemporalDevServer({ port: await freePort(), searchAttributes: searchAttributeKeys, output });
  });
  const timeSkipping = await stack.start(async () => {
    await beforeEach('temporal-test-server');
    return startTimeSkippingServer({ port: await freePort(), output });
  });
  const ferretdb = await stack.start(async () => {
    await beforeEach('ferretdb');
    return startFerretDb({ port: await freePort(), dataDir: join(dataDir, 'ferretdb'), output });
  });
  await stack.run(() => registerSearchAttributes(timeSkipping.address));
  return { temporalAddress: temporal.address, timeSkippingAddress: timeSkipping.address, mongoUri: ferretdb.address };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'outband-test-'));
  const stack = new ServiceStack(output);
  const teardown = async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const servers = await startTestServers(stack, dataDir);
    project.provide('temporalAddress', servers.temporalAddress);
    project.provide('timeSkippingAddress', servers.timeSkippingAddress);
    project.provide('mongoUri', servers.mongoUri);
  } catch (error) {
    // The stack has stopped what it started; only the data folder is left to remove.
    await teardown();
    throw error;
  }
  return teardown;
}
