/**
 * vitest globalSetup of the `integration` project: one Temporal dev server, one time-skipping
 * test server and one FerretDB for the whole run, on free ports, stopped at the end. The SDK's own
 * launcher is not used: it downloads binaries and waits only 5 s, too little on a loaded 2-core
 * machine. Test files reach the servers through `inject()` (test/setup/harness.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestProject } from 'vitest/node';
import {
  freePort,
  startFerretDb,
  startTemporalDevServer,
  startTimeSkippingServer,
  type Output,
  type Service,
} from '../../scripts/services.js';
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

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'outband-test-'));
  const services: Service[] = [];
  const teardown = async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    // Each is registered as soon as it runs, so a failure of another still stops it.
    const started = (service: Service) => (services.push(service), service);
    const [temporal, timeSkipping, ferretdb] = await Promise.all([
      freePort().then((port) => startTemporalDevServer({ port, searchAttributes: searchAttributeKeys, output })).then(started),
      freePort().then((port) => startTimeSkippingServer({ port, output })).then(started),
      freePort().then((port) => startFerretDb({ port, dataDir: join(dataDir, 'ferretdb'), output })).then(started),
    ]);
    await registerSearchAttributes(timeSkipping.address);
    project.provide('temporalAddress', temporal.address);
    project.provide('timeSkippingAddress', timeSkipping.address);
    project.provide('mongoUri', ferretdb.address);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
