import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../config/loadConfig.js';
import { projectRoot } from '../../../scripts/services.js';
import { testEnvironment } from '../../setup/testConfig.js';

describe('loadConfig', () => {
  it('applies the defaults of API.md', () => {
    const env = testEnvironment();
    const config = loadConfig(env);
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: 'http://localhost:3000',
      temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'outband' },
      mongodbUri: 'mongodb://127.0.0.1:27017/outband',
      rpApiKeys: [env.RP_API_KEYS],
      uaf: {
        appId: 'http://localhost:3000/nevisfido/uaf/1.1/facets',
        trustedFacets: ['http://localhost:3000/nevisfido/uaf/1.1/facets'],
      },
      linkBaseUrl: 'http://localhost:3000/open',
      fcmEmulatorHost: undefined,
    });
    expect(config.payloadCodecKey).toHaveLength(32);
    expect(config.uaf.metadataDir).toMatch(/\/metadata\/$/);
  });

  it('derives the AppID, facets and link base from PUBLIC_URL and honours explicit values', () => {
    const config = loadConfig(
      testEnvironment({
        PORT: '8080',
        PUBLIC_URL: 'https://login.example.com/',
        UAF_TRUSTED_FACETS: 'https://login.example.com, android:apk-key-hash:abc ',
        RP_API_KEYS: 'first-relying-party-key-0123456789abcdef, second-relying-party-key-0123456789abcdef',
        FCM_EMULATOR_HOST: 'localhost:4010',
      }),
    );
    expect(config).toMatchObject({
      port: 8080,
      publicUrl: 'https://login.example.com',
      uaf: {
        appId: 'https://login.example.com/nevisfido/uaf/1.1/facets',
        trustedFacets: ['https://login.example.com', 'android:apk-key-hash:abc'],
      },
      linkBaseUrl: 'https://login.example.com/open',
      rpApiKeys: ['first-relying-party-key-0123456789abcdef', 'second-relying-party-key-0123456789abcdef'],
      fcmEmulatorHost: 'localhost:4010',
    });
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig(testEnvironment({ PORT: '', FCM_EMULATOR_HOST: '' }))).toMatchObject({ port: 3000, fcmEmulatorHost: undefined });
  });

  it.each([
    { variable: 'PORT', value: 'eighty' },
    { variable: 'PORT', value: '70000' },
    { variable: 'PUBLIC_URL', value: 'ftp://example.com' },
    { variable: 'TEMPORAL_ADDRESS', value: 'no-port' },
    { variable: 'MONGODB_URI', value: 'postgres://localhost/db' },
    { variable: 'MONGODB_URI', value: 'mongodb://localhost:27017' },
    { variable: 'RP_API_KEYS', value: 'short' },
    { variable: 'RP_API_KEYS', value: ' , ' },
    { variable: 'FCM_EMULATOR_HOST', value: 'http://localhost:4010' },
    { variable: 'PAYLOAD_CODEC_KEY', value: Buffer.alloc(16).toString('base64') },
    { variable: 'PAYLOAD_CODEC_KEY', value: 'not base64!' },
    { variable: 'SERVER_SECRET', value: Buffer.alloc(8).toString('base64') },
  ])('rejects $variable=$value naming the variable', ({ variable, value }) => {
    expect(() => loadConfig(testEnvironment({ [variable]: value }))).toThrow(
      expect.objectContaining({ name: 'ConfigError', variable }),
    );
  });

  it.each(['RP_API_KEYS', 'PAYLOAD_CODEC_KEY', 'SERVER_SECRET'])('requires %s', (variable) => {
    const env: Record<string, string> = testEnvironment();
    delete env[variable];
    expect(() => loadConfig(env)).toThrow(new ConfigError(variable, 'is required'));
  });

  it('stops a process at start with one line naming the bad variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, ...testEnvironment({ PORT: 'eighty' }) },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^outband: bad configuration: PORT: /)]);
  });
});
