// `nasforge draw` as a user runs it (the built CLI in a child process), and the drawings of
// every registered space that offers `graph`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SPACES, getSpace, type AnySearchSpace } from '../../src/spaces/index.js';
import { Rng } from '../../src/util/index.js';
import { toDot, toSvg } from '../../src/spaces/graph/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NASFORGE_THREADS: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Throws unless `xml` is well-formed: one root, tags nested and closed, attributes quoted, entities known. */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  const re = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|([^<]+)|(<)/g;
  for (const m of xml.matchAll(re)) {
    if (m[6] !== undefined) throw new Error(`stray '<' at ${m.index}`);
    if (m[5] !== undefined) {
      if (stack.length === 0 && m[5].trim() !== '') throw new Error(`text outside the root: ${m[5].slice(0, 20)}`);
      for (const ent of m[5].match(/&[^;\s]*;?/g) ?? []) {
        if (!/^&(amp|lt|gt|quot|apos|#\d+);$/.test(ent)) throw new Error(`bad entity ${ent}`);
      }
      continue;
    }
    if (m[2] === undefined) continue;
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) throw new Error(`</${m[2]}> closes nothing open`);
    } else if (m[4] !== '/') {
      if (stack.length === 0) roots++;
      stack.push(m[2]);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

/** The op names of a space: its decisions' string choices (numeric choices are inputs or bits). */
const opNames = (space: AnySearchSpace): Set<string> => new Set(space.decisions().flatMap((d) => d.choices.filter((c): c is string => typeof c === 'string')));

const texts = (svg: string): string[] => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

test('the well-formedness check catches what it should', () => {
  assert.throws(() => checkWellFormed('<svg><g></svg>'));
  assert.throws(() => checkWellFormed('<svg><text>a & b</text></svg>'));
  assert.throws(() => checkWellFormed('<svg/><svg/>'));
  checkWellFormed('<svg a="1"><g><text>x &amp; y</text></g><rect/></svg>');
});

test('draw darts-v2: an SVG with one text per op of both cells, and DOT with one labelled edge per op', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-draw-'));
  const r = run('draw', '--space', 'darts', '--preset', 'darts-v2', '--out', join(dir, 'c.svg'), '--dot', join(dir, 'c.dot'));
  assert.equal(r.code, 0, r.err);
  const svg = readFileSync(join(dir, 'c.svg'), 'utf8');
  checkWellFormed(svg);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const ops = opNames(getSpace('darts'));
  const g = getSpace('darts').presets['darts-v2']!.genotype as { normal: [string, number][]; reduce: [string, number][] };
  const want = [...g.normal, ...g.reduce].map(([op]) => op).sort();
  assert.deepEqual(
    texts(svg)
      .filter((t) => ops.has(t))
      .sort(),
    want,
  );
  for (const t of ['normal', 'reduce', 'c_{k-2}', 'c_{k-1}', 'c_{k}']) assert.ok(texts(svg).includes(t), `no '${t}' in the drawing`);
  const dot = readFileSync(join(dir, 'c.dot'), 'utf8');
  assert.match(dot, /^digraph "darts: darts-v2" \{/);
  assert.equal((dot.match(/ -> .*\[label="/g) ?? []).length, 16);
  assert.equal((dot.match(/\{/g) ?? []).length, (dot.match(/\}/g) ?? []).length);
  // concat edges: the four nodes into each cell's output
  assert.equal((dot.match(/-> "normal\/out"/g) ?? []).length, 4);
});

test('draw a nas-bench-macro arch: the layer sequence, one text per layer op, DOT on stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nasforge-draw-'));
  const r = run('draw', '--space', 'nas-bench-macro', '--arch', '22212220', '--out', join(dir, 'm.svg'));
  assert.equal(r.code, 0, r.err);
  const svg = readFileSync(join(dir, 'm.svg'), 'utf8');
  checkWellFormed(svg);
  const opTexts = texts(svg).filter((t) => ['id', 'ir_3x3_t3', 'ir_5x5_t6'].includes(t));
  assert.deepEqual(opTexts.sort(), ['id', 'ir_3x3_t3', 'ir_5x5_t6', 'ir_5x5_t6', 'ir_5x5_t6', 'ir_5x5_t6', 'ir_5x5_t6', 'ir_5x5_t6']);
  const dot = run('draw', '--space', 'nas-bench-macro', '--arch', '22212220');
  assert.equal(dot.code, 0, dot.err);
  assert.match(dot.out, /^digraph /);
  // stem → 8 layers → head: 9 edges, none labelled
  assert.equal((dot.out.match(/ -> /g) ?? []).length, 9);
});

test('draw refuses a missing or doubled architecture and an unknown preset with exit code 2', () => {
  const none = run('draw', '--space', 'darts');
  assert.equal(none.code, 2);
  assert.match(none.err, /exactly one architecture/);
  assert.equal(run('draw', '--space', 'darts', '--preset', 'darts-v2', '--sample', '1').code, 2);
  const bad = run('draw', '--space', 'darts', '--preset', 'darts-v3');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /darts-v2|darts-v1/);
});

test('every registered space with a graph draws its samples deterministically as well-formed SVG', () => {
  const drawable = SPACES.filter((s) => s.graph);
  for (const name of ['darts', 'nasnet', 'nas-bench-201', 'nas-bench-macro', 'enas-micro', 'enas-macro']) {
    assert.ok(
      drawable.some((s) => s.name === name),
      `${name} offers no graph`,
    );
  }
  for (const space of drawable) {
    const g = space.sample(new Rng(3));
    const svg = toSvg(space.graph!(g), space.name);
    checkWellFormed(svg);
    assert.equal(svg, toSvg(space.graph!(space.sample(new Rng(3))), space.name));
    const labelled = space.graph!(g).parts.flatMap((p) => [
      ...p.edges.flatMap((e) => e.label ?? []),
      ...p.nodes.filter((n) => n.kind === 'op').map((n) => n.label),
    ]);
    const labels = new Set(labelled); // every op label drawn exactly once
    assert.equal(texts(svg).filter((t) => labels.has(t)).length, labelled.length, space.name);
    assert.match(toDot(space.graph!(g), space.name), /^digraph /);
  }
});

test('enas-macro draws its skip connections; the stem is state 0', () => {
  const space = getSpace('enas-macro');
  const g = space.parse!(['0', '1 1', ...Array.from({ length: 10 }, (_, k) => ['4', ...Array.from({ length: k + 2 }, () => '0')].join(' '))].join(' '));
  const part = space.graph!(g).parts[0]!;
  // layer 1 reads layer 0 (its input) and the stem (its skip)
  assert.deepEqual(
    part.edges
      .filter((e) => e.to === 'l1')
      .map((e) => e.from)
      .sort(),
    ['input', 'l0'],
  );
  assert.equal(part.edges.length, 12 + 1 + 1);
});
