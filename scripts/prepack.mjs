#!/usr/bin/env node
// `npm pack` / `npm publish` run this first (package.json "prepack"): builds dist/src from src/
// with tsconfig.build.json, then removes what an earlier build left in dist/src for sources that
// no longer exist (renamed or deleted files), so the package holds only the current build. The
// rest of dist/ (tests, benchmarks) is left as it is; the package does not include it.
// (tsc writes to stderr: `npm pack --json` prints its JSON on stdout.)
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 2, 2] });

// dist/src/a/b.js, .d.ts, .js.map, .d.ts.map all come from src/a/b.ts
const OUTPUT = /(\.d\.ts\.map|\.js\.map|\.d\.ts|\.js)$/;
let removed = 0;
function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(p);
      if (readdirSync(p).length === 0) rmdirSync(p);
    } else {
      const rel = relative(join(root, 'dist'), p);
      const source = rel.replace(OUTPUT, '.ts');
      if (source === rel || !existsSync(join(root, source))) {
        unlinkSync(p);
        removed++;
      }
    }
  }
}
prune(join(root, 'dist', 'src'));
if (removed > 0) console.error(`prepack: removed ${removed} stale file(s) from dist/src`);
chmodSync(join(root, 'dist', 'src', 'cli', 'main.js'), 0o755);
