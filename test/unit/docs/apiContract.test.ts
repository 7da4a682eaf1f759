/**
 * docs/api.md is the HTTP contract; these checks keep its tables true to the code: every
 * variable config/loadConfig.ts reads is documented (and nothing else), and the "Errors" table is
 * exactly the project's part of contract/errors.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../../contract/errors.js';
import { errorStatusCodes as uafLibraryStatusCodes } from '../../../uaf/errors.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const contract = read('docs/api.md');

/** The rows of the first table under `## <heading>`, as arrays of trimmed cells. */
function tableRows(heading: string): string[][] {
  const section = contract.split(/^## /m).find((part) => part.startsWith(heading));
  if (!section) throw new Error(`docs/api.md has no section "${heading}"`);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|') && !line.startsWith('|---'))
    .slice(1)
    .map((line) => line.slice(1, -1).split(/(?<!\\)\|/).map((cell) => cell.trim()));
}

const namesIn = (cell: string) => [...cell.matchAll(/`([A-Za-z][A-Za-z0-9_]*)`/g)].map((match) => match[1]!);

describe('docs/api.md', () => {
  it('lists every variable config/loadConfig.ts reads, and only those', () => {
    const source = read('config/loadConfig.ts');
    const schema = source.slice(source.indexOf('const variables = {'), source.indexOf('} as const;'));
    const readByConfig = [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]!);
    const documented = tableRows('Run-time configuration').flatMap(([variable]) => namesIn(variable!));

    expect(readByConfig.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...readByConfig].sort());
  });

  it('"Errors" holds every project error code with its HTTP status and UAF status code', () => {
    const documented = Object.fromEntries(
      tableRows('Errors').map(([code, http, uaf]) => [namesIn(code!)[0], { http: Number(http), uaf: uaf === '—' ? null : Number(uaf) }]),
    );
    const project = Object.fromEntries(Object.entries(errorCodes).filter(([code]) => !(code in uafLibraryStatusCodes)));

    expect(documented).toEqual(project);
  });
});
