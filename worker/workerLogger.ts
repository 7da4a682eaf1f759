import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import type { Logger } from 'pino';

const levels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Routes Temporal SDK and Core log entries into pino. */
export function createWorkerLogger(logger: Logger): DefaultLogger {
  return new DefaultLogger('INFO', ({ level, message, meta }: LogEntry) => {
    logger[levels[level]]({ ...meta, source: 'temporal' }, message);
  });
}
