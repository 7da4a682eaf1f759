import { randomBytes } from 'node:crypto';
import { loadConfig, type Config } from '../../config/loadConfig.js';

/** The environment a test process would be given: fresh keys, everything else default. */
export function testEnvironment(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    RP_API_KEYS: `test-${randomBytes(16).toString('hex')}`,
    PAYLOAD_CODEC_KEY: randomBytes(32).toString('base64'),
    SERVER_SECRET: randomBytes(32).toString('base64'),
    ...overrides,
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(testEnvironment(overrides));
}
