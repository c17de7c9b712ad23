// ArchGraph → Graphviz DOT text and a self-contained SVG (laid out by layout.ts, no external
// program). Ops are edge labels in cell parts and node labels in layer parts.
import { type ArchGraph } from '../core/index.js';
import { CHAR_W, f, layoutPart } from './layout.js';

const FILL: Record<string, string> = { input: '#c6e2ff', node: '#eeeeee', op: '#fff2c6', output: '#c9f2c9' };

const dotId = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Graphviz DOT: one cluster per part, left to right. */
export function toDot(graph: ArchGraph, title: string): string {
  const lines = [
    `digraph ${dotId(title)} {`,
    '  rankdir=LR;',
    '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  graph.parts.forEach((part, p) => {
    lines.push(`  subgraph ${dotId(`cluster_${p}`)} {`, `    label=${dotId(part.name)};`);
    for (const n of part.nodes) lines.push(`    ${dotId(`${part.name}/${n.id}`)} [label=${dotId(n.label)}, fillcolor=${dotId(FILL[n.kind]!)}];`);
    for (const e of part.edges) {
      lines.push(`    ${dotId(`${part.name}/${e.from}`)} -> ${dotId(`${part.name}/${e.to}`)}${e.label !== undefined ? ` [label=${dotId(e.label)}]` : ''};`);
    }
    lines.push('  }');
  });
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An SVG drawing: the parts one below the other, each titled by its name. */
export function toSvg(graph: ArchGraph, title: string): string {
  const margin = 20;
  const titleH = 24;
  const parts = graph.parts.map(layoutPart);
  const width = Math.max(CHAR_W * title.length, ...parts.map((p) => p.width)) + 2 * margin;
  const body: string[] = [];
  let y = margin + titleH;
  body.push(`<text x="${margin}" y="${margin + 14}" font-size="16" font-weight="bold">${esc(title)}</text>`);
  for (const part of parts) {
    const top = -part.minY;
    body.push(`<text x="${margin}" y="${f(y + 14)}" font-size="14" font-style="italic">${esc(part.name)}</text>`);
    body.push(`<g transform="translate(${margin},${f(y + titleH + top)})">`);
    for (const e of part.edges) {
      body.push(`<path d="${e.path}" fill="none" stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"/>`);
      if (e.label !== undefined) {
        body.push(`<text x="${f(e.labelX)}" y="${f(e.labelY)}" font-size="11" text-anchor="middle" fill="#a0302a">${esc(e.label)}</text>`);
      }
    }
    for (const n of part.nodes) {
      body.push(`<rect x="${f(n.x)}" y="${f(n.y)}" width="${f(n.w)}" height="${f(n.h)}" rx="6" fill="${FILL[n.kind]}" stroke="#333"/>`);
      body.push(`<text x="${f(n.x + n.w / 2)}" y="${f(n.y + n.h / 2 + 4)}" font-size="12" text-anchor="middle">${esc(n.label)}</text>`);
    }
    body.push('</g>');
    y += titleH + part.maxY - part.minY + margin;
  }
  const height = y + margin;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f(width)}" height="${f(height)}" viewBox="0 0 ${f(width)} ${f(height)}" font-family="Helvetica, Arial, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    `<rect width="100%" height="100%" fill="white"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
