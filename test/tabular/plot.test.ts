// The best-found plot's y floor: a series that starts far below the others is cut at the floor
// instead of stretching the axis, and the axis' lowest tick is the floor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linePlotSvg } from '../../src/cli/svg-plot.js';

const ticks = (svg: string): number[] => [...svg.matchAll(/text-anchor="end">([\d.-]+)</g)].map((m) => Number(m[1]));

test('linePlotSvg: without a floor the axis spans every value; with one it starts there and clips below', () => {
  const series = [
    { name: 'random', y: [90, 92, 93], err: [0.1, 0.1, 0.1] },
    { name: 'pnas', y: [50, 91, 93.5] },
  ];
  const free = linePlotSvg('t', 'x', 'y', series);
  assert.ok(Math.min(...ticks(free)) < 50, 'the poor start stretches the axis');
  const cut = linePlotSvg('t', 'x', 'y', series, { yFloor: 90 });
  assert.equal(Math.min(...ticks(cut)), 90);
  assert.ok(Math.max(...ticks(cut)) >= 93.5);
  assert.match(cut, /<clipPath id="plot-area">/);
  assert.equal((cut.match(/<polyline [^>]*clip-path="url\(#plot-area\)"/g) ?? []).length, 2);
  assert.equal(Math.min(...ticks(linePlotSvg('t', 'x', 'y', series, { yFloor: 99 }))) < 50, true, 'a floor above every value is ignored');
});
