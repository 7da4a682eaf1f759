/**
 * schemathesis (PyPI, pinned in scripts/install-tools.sh) against the running stack, driven by
 * GET /openapi.json and authenticated with the relying-party key: for every operation, a bounded
 * number of generated requests (examples, boundary coverage, fuzzing), each answer checked for no
 * 5xx and conformance to the document (status code, content type, body schema). Each operation is
 * one test here, so the result is part of the test count.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../scripts/services.js';
import { bundleWorkflows } from '../setup/harness.js';
import { startTestStack } from '../setup/stack.js';

const rpKey = 'schemathesis-relying-party-key-0123456789';
const stack = await startTestStack(await bundleWorkflows(), { RP_API_KEYS: rpKey, METRICS_API_KEYS: 'schemathesis-metrics-key-0123456789abcdef', ADMIN_API_KEYS: 'schemathesis-admin-key-0123456789abcdefgh' });
afterAll(() => stack.close());

const reports = mkdtempSync(join(tmpdir(), 'outband-schemathesis-'));
const junitPath = join(reports, 'junit.xml');
const checks = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];
// Asynchronous: the API under test runs in this very process and must go on answering.
const run = await runTool(
  join(projectRoot, '.tools/venv/bin/st'),
  [
    'run', `${stack.url}/openapi.json`,
    '--url', stack.url,
    '--header', `Authorization: Bearer ${rpKey}`,
    '--checks', checks.join(','),
    '--phases', 'examples,coverage,fuzzing',
    '--max-examples', '5',
    '--max-time', '55',
    // PATCH takes a compact JWS (application/jose), which schemathesis cannot generate; the fuzz
    // suite and test/e2e/dispatchTargets.test.ts cover it.
    '--exclude-method', 'PATCH',
    '--seed', '11',
    '--request-timeout', '10',
    '--no-color',
    // No example database in the working tree (.schemathesis/): every run starts from the seed.
    '--generation-database', 'none',
    '--report', 'junit', '--report-junit-path', junitPath,
  ],
  120_000,
);
/** Runs a program to its end (killed after `timeoutMs`); its exit status and output. */
function runTool(command: string, args: string[], timeoutMs: number): Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    // In the report folder: schemathesis keeps a `.schemathesis/` state folder in its working directory.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: reports });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ status: null, stdout, stderr, error });
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const junit = (() => {
  try {
    return readFileSync(junitPath, 'utf8');
  } catch {
    return '';
  }
})();
rmSync(reports, { recursive: true, force: true });

/** One `<testcase name="POST /path">` per operation; its failure text when it failed. */
const cases = [...junit.matchAll(/<testcase\b[^>]*\bname="([^"]+)"[^>]*?(?:\/>|>([\s\S]*?)<\/testcase>)/g)].map(([, name, inner]) => ({
  name: name!.replace(/&quot;/g, '"').replace(/&amp;/g, '&'),
  failure: inner && /<(failure|error)\b/.test(inner) ? inner.slice(0, 4_000) : undefined,
}));

describe('schemathesis against the running stack', () => {
  it('ran (exit status 0) over the whole document', () => {
    expect(run.error).toBeUndefined();
    expect(cases.length, run.stdout + run.stderr).toBeGreaterThanOrEqual(20);
    expect(run.status, run.stdout.slice(-6_000)).toBe(0);
  });

  it.each(cases.length ? cases : [{ name: 'no report', failure: 'schemathesis wrote no JUnit report' }])('$name: no 5xx, answers as documented', ({ failure }) => {
    expect(failure).toBeUndefined();
  });
});
