import { describe, expect, it } from 'vitest';
import { prettyLogLine } from '../../../scripts/prettyLogLine.js';

describe('prettyLogLine', () => {
  it('turns a pino line into time, level, message and fields', () => {
    const line = JSON.stringify({ level: 30, time: Date.UTC(2026, 0, 2, 3, 4, 5), pid: 1, hostname: 'h', name: 'outband-api', msg: 'api listening', port: 3000, note: 'two words' });
    expect(prettyLogLine(line, false)).toBe('03:04:05 INFO  api listening port=3000 note="two words"');
  });

  it('colours the level when asked', () => {
    expect(prettyLogLine(JSON.stringify({ level: 50, time: 0, msg: 'boom' }))).toContain('\x1b[31mERROR\x1b[0m');
  });

  it.each(['plain text from a tool', '{not json', JSON.stringify({ msg: 'no level' })])('leaves %s as it is', (line) => {
    expect(prettyLogLine(line, false)).toBe(line);
  });
});
