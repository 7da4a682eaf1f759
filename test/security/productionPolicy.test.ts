/**
 * Findings 7 and 8 (issue 9), the configuration part: with NODE_ENV=production (as the Dockerfile
 * sets) the worker needs UAF_METADATA_DIR and refuses the repository's test authenticators unless
 * UAF_ALLOW_TEST_AUTHENTICATORS=true; PUBLIC_URL and web facets must be https.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/loadConfig.js';
import { checkMetadataPolicy } from '../../config/metadataPolicy.js';
import { readMetadataDirectory } from '../../store/metadataDirectory.js';
import { testEnvironment } from '../setup/testConfig.js';
import { refusedStart } from './entryPoints.js';

const shippedMetadata = new URL('../../metadata/', import.meta.url).pathname;
const production = (overrides: Record<string, string> = {}) =>
  testEnvironment({ NODE_ENV: 'production', PUBLIC_URL: 'https://login.example.com', ...overrides });

describe('NODE_ENV=production', () => {
  it('the worker refuses to start without UAF_METADATA_DIR, naming it', () => {
    const { status, lines } = refusedStart('worker/main.ts', production());
    expect(status).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^outband: bad configuration: UAF_METADATA_DIR: is required when NODE_ENV=production/)]);
  });

  it('the worker refuses the shipped test authenticators, naming the switch', () => {
    const { status, lines } = refusedStart('worker/main.ts', production({ UAF_METADATA_DIR: shippedMetadata }));
    expect(status).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^outband: bad configuration: UAF_METADATA_DIR: holds test authenticators \(4F42#0001, .*UAF_ALLOW_TEST_AUTHENTICATORS=true/)]);
  });

  it('trusts them only with the explicit switch, and always outside production', async () => {
    const statements = await readMetadataDirectory(shippedMetadata);
    expect(statements.size).toBe(11);
    const allowed = loadConfig(production({ UAF_METADATA_DIR: shippedMetadata, UAF_ALLOW_TEST_AUTHENTICATORS: 'true' }));
    expect(() => checkMetadataPolicy(statements, allowed)).not.toThrow();
    expect(() => checkMetadataPolicy(statements, loadConfig(testEnvironment()))).not.toThrow();
    expect(() => checkMetadataPolicy(statements, loadConfig(production({ UAF_METADATA_DIR: shippedMetadata })))).toThrow(
      expect.objectContaining({ variable: 'UAF_METADATA_DIR' }),
    );
  });

  it.each<{ variable: string; env: Record<string, string> }>([
    { variable: 'PUBLIC_URL', env: { PUBLIC_URL: 'http://login.example.com' } },
    { variable: 'UAF_APP_ID', env: { UAF_APP_ID: 'http://login.example.com/facets' } },
    { variable: 'UAF_TRUSTED_FACETS', env: { UAF_TRUSTED_FACETS: 'https://login.example.com,http://evil.example.com' } },
  ])('refuses plain http in $variable', ({ variable, env }) => {
    expect(() => loadConfig(production({ UAF_METADATA_DIR: shippedMetadata, ...env }))).toThrow(expect.objectContaining({ variable }));
  });

  it('accepts https and app facets', () => {
    const config = loadConfig(
      production({ UAF_METADATA_DIR: '/etc/outband/metadata', UAF_TRUSTED_FACETS: 'https://login.example.com,android:apk-key-hash:abc' }),
    );
    expect(config).toMatchObject({ production: true, publicUrl: 'https://login.example.com', uaf: { allowTestAuthenticators: false } });
  });

  it('the API also refuses plain http PUBLIC_URL at start', () => {
    const { status, lines } = refusedStart('api/main.ts', production({ PUBLIC_URL: 'http://login.example.com', UAF_METADATA_DIR: shippedMetadata }));
    expect(status).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^outband: bad configuration: PUBLIC_URL: must be https/)]);
  });
});
