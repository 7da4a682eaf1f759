import { DefaultLogger, Runtime } from '@temporalio/worker';

// Installed before any worker or connection exists in this test process: Temporal's own INFO
// logs (bundling, worker state) would drown the test report.
Runtime.install({ logger: new DefaultLogger('WARN') });
