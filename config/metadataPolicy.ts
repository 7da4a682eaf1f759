import { readMetadataDirectory } from '../store/metadataDirectory.js';
import type { MetadataStatement } from '../uaf/index.js';
import { ConfigError, type Config } from './loadConfig.js';

/**
 * The repository's test authenticators (scripts/makeTestAuthenticators.ts): vendor id 4F42, and an
 * attestation root whose private key is in the repository. Anyone can mint an attestation that
 * chains to it, so a production server trusts neither unless the operator explicitly says so.
 */
const testVendorId = '4F42';
const testRootCommonName = Buffer.from('Outband Test Attestation Root CA');

export function isTestAuthenticator(statement: MetadataStatement): boolean {
  if (statement.aaid.slice(0, 4).toUpperCase() === testVendorId) return true;
  return statement.attestationRootCertificates.some((certificate) =>
    Buffer.from(certificate, 'base64').includes(testRootCommonName),
  );
}

/** Throws `ConfigError` when production would trust a test authenticator without the switch. */
export function checkMetadataPolicy(
  statements: ReadonlyMap<string, MetadataStatement>,
  { production, uaf }: Pick<Config, 'production' | 'uaf'>,
): void {
  if (!production || uaf.allowTestAuthenticators) return;
  const test = [...statements.values()].filter(isTestAuthenticator).map((statement) => statement.aaid);
  if (test.length) {
    throw new ConfigError(
      'UAF_METADATA_DIR',
      `holds test authenticators (${test.join(', ')}) whose attestation key is public; remove them or set UAF_ALLOW_TEST_AUTHENTICATORS=true (never in a real deployment)`,
    );
  }
}

/** For the worker's `main.ts`: the trusted metadata, or one line naming the variable and exit code 1. */
export async function loadTrustedMetadataOrExit(config: Pick<Config, 'production' | 'uaf'>): Promise<Map<string, MetadataStatement>> {
  try {
    const statements = await readMetadataDirectory(config.uaf.metadataDir);
    checkMetadataPolicy(statements, config);
    return statements;
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `UAF_METADATA_DIR: ${(error as Error).message}`;
    process.stderr.write(`outband: bad configuration: ${message}\n`);
    process.exit(1);
  }
}
