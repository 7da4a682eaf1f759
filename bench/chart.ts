/**
 * An SVG chart of a benchmark run: throughput (flows/s) and end-to-end p99 (ms) against
 * concurrency, one line per series (engine floor, Outband per browser mode, in-process baseline).
 * Plain SVG text, no dependency: it renders on GitHub and in any browser.
 */

export interface ChartSeries {
  name: string;
  /** concurrency → value */
  throughput: [number, number][];
  p99: [number, number][];
}

const palette = ['#6b7280', '#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626'];
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(series: ChartSeries[], pick: (s: ChartSeries) => [number, number][], title: string, x0: number, width: number, height: number, logX: boolean): string {
  const pad = { left: 56, right: 12, top: 28, bottom: 40 };
  const points = series.flatMap(pick);
  const xs = [...new Set(points.map(([x]) => x))].sort((a, b) => a - b);
  if (xs.length === 0) return '';
  const maxY = Math.max(...points.map(([, y]) => y), 1) * 1.1;
  const tx = (x: number) => {
    const [lo, hi] = [xs[0]!, xs.at(-1)!];
    const f = lo === hi ? 0.5 : logX ? (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (x - lo) / (hi - lo);
    return x0 + pad.left + f * (width - pad.left - pad.right);
  };
  const ty = (y: number) => pad.top + (1 - y / maxY) * (height - pad.top - pad.bottom);
  const out: string[] = [];
  out.push(`<text x="${x0 + width / 2}" y="16" text-anchor="middle" font-weight="bold">${escape(title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const y = (maxY / 4) * i;
    out.push(`<line x1="${x0 + pad.left}" x2="${x0 + width - pad.right}" y1="${ty(y)}" y2="${ty(y)}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${x0 + pad.left - 6}" y="${ty(y) + 4}" text-anchor="end">${y >= 100 ? Math.round(y) : y.toFixed(1)}</text>`);
  }
  for (const x of xs) out.push(`<text x="${tx(x)}" y="${height - pad.bottom + 16}" text-anchor="middle">${x}</text>`);
  out.push(`<text x="${x0 + width / 2}" y="${height - 6}" text-anchor="middle">concurrency (flows in flight)</text>`);
  series.forEach((s, i) => {
    const line = pick(s).sort(([a], [b]) => a - b);
    if (!line.length) return;
    const colour = palette[i % palette.length];
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${line.map(([x, y]) => `${tx(x).toFixed(1)},${ty(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of line) out.push(`<circle cx="${tx(x).toFixed(1)}" cy="${ty(y).toFixed(1)}" r="3" fill="${colour}"/>`);
  });
  return out.join('\n');
}

export function renderChart(series: ChartSeries[], caption: string): string {
  const [width, height, legendHeight] = [460, 300, 24 + 16 * Math.ceil(series.length / 3)];
  const legend = series
    .map((s, i) => {
      const x = 20 + (i % 3) * 300;
      const y = height + 16 + 16 * Math.floor(i / 3);
      return `<rect x="${x}" y="${y - 9}" width="12" height="3" fill="${palette[i % palette.length]}"/><text x="${x + 18}" y="${y}">${escape(s.name)}</text>`;
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${2 * width}" height="${height + legendHeight + 16}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(series, (s) => s.throughput, 'Throughput (flows/s)', 0, width, height, true),
    panel(series, (s) => s.p99, 'End-to-end p99 (ms)', width, width, height, true),
    legend,
    `<text x="20" y="${height + legendHeight + 8}" fill="#6b7280">${escape(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
