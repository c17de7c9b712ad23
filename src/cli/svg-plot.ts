// A line plot as a standalone SVG: one series per strategy with a ±1 standard error band.

export interface PlotSeries {
  readonly name: string;
  /** y at x = 1, 2, ..., y.length */
  readonly y: readonly number[];
  readonly err?: readonly number[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface PlotOptions {
  /** the y axis starts here; lower values are cut off (so one series' poor start cannot flatten the rest) */
  readonly yFloor?: number;
}

export function linePlotSvg(title: string, xLabel: string, yLabel: string, series: readonly PlotSeries[], options: PlotOptions = {}): string {
  const [W, H, L, R, T, B] = [720, 440, 70, 20, 40, 50];
  const n = Math.max(...series.map((s) => s.y.length));
  const lo = series.flatMap((s) => s.y.map((v, i) => v - (s.err?.[i] ?? 0)));
  const hi = series.flatMap((s) => s.y.map((v, i) => v + (s.err?.[i] ?? 0)));
  const floor = options.yFloor;
  const y1 = Math.max(...hi);
  const y0 = floor !== undefined && floor < y1 ? floor : Math.min(...lo);
  const pad = (y1 - y0) * 0.05 || 0.5;
  const [ymin, ymax] = [floor !== undefined && floor < y1 ? floor : y0 - pad, y1 + pad];
  const px = (x: number): number => L + ((x - 1) / Math.max(1, n - 1)) * (W - L - R);
  const py = (y: number): number => T + (1 - (y - ymin) / (ymax - ymin)) * (H - T - B);
  const pts = (ys: readonly number[]): string => ys.map((v, i) => `${px(i + 1).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    `<clipPath id="plot-area"><rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}"/></clipPath>`,
  ];
  for (let k = 0; k <= 5; k++) {
    const y = ymin + ((ymax - ymin) * k) / 5;
    const x = Math.round(1 + ((n - 1) * k) / 5);
    out.push(`<text x="${L - 6}" y="${py(y) + 4}" text-anchor="end">${y.toFixed(2)}</text>`);
    out.push(`<text x="${px(x)}" y="${H - B + 16}" text-anchor="middle">${x}</text>`);
    out.push(`<line x1="${L}" y1="${py(y)}" x2="${W - R}" y2="${py(y)}" stroke="#eee"/>`);
  }
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]!;
    if (s.err) {
      const upper = s.y.map((v, j) => v + s.err![j]!);
      const lower = s.y.map((v, j) => v - s.err![j]!).reverse();
      const band = `${pts(upper)} ${lower.map((v, j) => `${px(s.y.length - j).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}`;
      out.push(`<polygon points="${band}" fill="${c}" fill-opacity="0.15" stroke="none" clip-path="url(#plot-area)"/>`);
    }
    out.push(`<polyline points="${pts(s.y)}" fill="none" stroke="${c}" stroke-width="1.5" clip-path="url(#plot-area)"/>`);
    out.push(`<rect x="${W - R - 150}" y="${H - B - 20 - 18 * i}" width="12" height="3" fill="${c}"/>`);
    out.push(`<text x="${W - R - 132}" y="${H - B - 15 - 18 * i}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
