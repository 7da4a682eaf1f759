import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMetadataStatement, type MetadataStatement } from '../uaf/index.js';

/**
 * Reads every `*.json` in a directory (one statement or an array of them per file, as nevisFIDO
 * accepts) and validates it. A bad file stops start-up with an error naming it.
 */
export async function readMetadataDirectory(dir: string): Promise<Map<string, MetadataStatement>> {
  const statements = new Map<string, MetadataStatement>();
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  for (const file of files) {
    const json: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    for (const item of Array.isArray(json) ? json : [json]) {
      try {
        const statement = parseMetadataStatement(item);
        statements.set(statement.aaid, statement);
      } catch (error) {
        throw new Error(`metadata statement in ${join(dir, file)} is invalid: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return statements;
}
