/**
 * `npm start`'s readable logs: a pino JSON line becomes `HH:MM:SS LEVEL message key=value …` with
 * the level coloured; any other line is returned as it is. Deployments keep pino's JSON (the API
 * and worker always write JSON; only the development launcher reformats what it prints).
 */
const levels: Record<number, [string, number]> = {
  10: ['TRACE', 90],
  20: ['DEBUG', 90],
  30: ['INFO ', 32],
  40: ['WARN ', 33],
  50: ['ERROR', 31],
  60: ['FATAL', 35],
};
/** pino's own fields, shown in the prefix or not at all. */
const omitted = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

function valueText(value: unknown): string {
  if (typeof value === 'string') return /[\s"]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

export function prettyLogLine(line: string, colour = true): string {
  if (!line.startsWith('{')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry.level !== 'number' || typeof entry.time !== 'number') return line;
  const [label, code] = levels[entry.level] ?? [String(entry.level), 37];
  const paint = (text: string, ansi: number) => (colour ? `\x1b[${ansi}m${text}\x1b[0m` : text);
  const time = new Date(entry.time).toISOString().slice(11, 19);
  const fields = Object.entries(entry)
    .filter(([key, value]) => !omitted.has(key) && value !== undefined)
    .map(([key, value]) => `${paint(key, 90)}=${valueText(value)}`);
  return [paint(time, 90), paint(label, code), String(entry.msg ?? ''), ...fields].join(' ');
}
