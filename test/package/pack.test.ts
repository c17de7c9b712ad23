// The package as a user gets it: `npm pack` in the repository (its prepack builds dist/src), then
// `npm install <tarball>` into an empty folder, which builds the addon against the system
// libtorch (or $LIBTORCH) from the tarball's native/ and binding.gyp. Checks what the tarball
// holds, the `nasforge` bin, the package's exports (JavaScript and types), that the addon loads
// and computes, that 'nasforge' and 'nasforge/strategies' do not load it, and that a libtorch that
// cannot be found fails the build with a message that says what to install.
//
// Needs the npm registry (the tarball's dependencies come from it, or from npm's cache): when
// `npm view better-sqlite3 version` cannot reach it, the test is skipped, never failed. It takes
// 2-4 minutes on 2 cores: two native builds (better-sqlite3, from source where its prebuilt
// binary cannot be downloaded, and nasforge's addon). better-sqlite3's sqlite3.c amalgamation,
// the only C file, is compiled with CFLAGS=-O0 (unless CFLAGS is set): at its own -O3 that one
// file takes 2-5 minutes here, and this test checks the packaging, not SQLite's speed. The addon
// (C++) builds with its own flags, as a user's install does. NASFORGE_PACK_TEST_KEEP=1 keeps the
// temporary folder (the tarball and the installed project) for a look.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  exports: Record<string, string | Record<string, string>>;
};

/**
 * The environment for the child npm: ours without what an enclosing `npm run` / `npm test` sets
 * about its own project (its prefix, package and lifecycle), so that the install goes to the
 * temporary project; the rest of npm_config_* (a registry, a cache) is passed on.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const own = /^npm_(package_|lifecycle_|command$|config_(local_|global_)?prefix$)/i;
  for (const [k, v] of Object.entries(process.env)) if (!own.test(k)) env[k] = v;
  return { ...env, NASFORGE_THREADS: '1', ...extra };
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', env: cleanEnv(extra), timeout: timeoutMs, maxBuffer: 64 << 20 });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.error, undefined, `${what}: ${r.error?.message}`);
  assert.equal(r.status, 0, `${what} exited with ${r.status}:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-8000)}`);
  return r.stdout;
}

interface PackResult {
  filename: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number; mode: number }[];
}

test('npm pack, then npm install <tarball> into an empty folder: the addon builds, the bin and the exports work', { timeout: 15 * 60_000 }, (t) => {
  const started = Date.now();
  const lap = (what: string) => t.diagnostic(`${what}: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const view = run('npm', ['view', 'better-sqlite3', 'version', '--fetch-retries=0', '--fetch-timeout=30000'], ROOT, 60_000);
  if (view.status !== 0) {
    const lines = (view.error?.message ?? view.stderr).trim().split('\n');
    const why = lines.find((l) => /reason:|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN/.test(l)) ?? lines[0];
    t.skip(
      `the npm registry cannot be reached, so the tarball's dependencies cannot be installed (npm view better-sqlite3: ${why.replace(/^npm error /, '')})`,
    );
    return;
  }

  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'nasforge-pack-')));
  try {
    // --- the tarball -------------------------------------------------------------------------
    const packed = JSON.parse(ok(run('npm', ['pack', '--json', '--pack-destination', tmp], ROOT, 5 * 60_000), 'npm pack')) as PackResult[];
    lap('npm pack');
    const pack = packed[0];
    const tarball = join(tmp, pack.filename);
    assert.ok(existsSync(tarball), `npm pack wrote no ${tarball}`);
    t.diagnostic(
      `${pack.filename}: ${pack.entryCount} files, ${(pack.size / 1024).toFixed(0)} KiB packed, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked`,
    );
    const files = new Map(pack.files.map((f) => [f.path, f]));
    const paths = [...files.keys()];

    const nativeSources = readdirSync(join(ROOT, 'native'))
      .filter((f) => /\.(cc|h)$/.test(f))
      .map((f) => `native/${f}`);
    const exportTargets = Object.values(PKG.exports)
      .flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))
      .map((p) => p.replace(/^\.\//, ''));
    const needed = [
      'package.json',
      'README.md',
      'LICENSE',
      'binding.gyp',
      'scripts/torch-config.mjs',
      'dist/src/cli/main.js',
      'dist/src/torch/native.js',
      ...nativeSources,
      ...exportTargets,
    ];
    const missing = needed.filter((p) => !files.has(p));
    assert.deepEqual(missing, [], `the tarball lacks ${missing.join(', ')}`);

    const unwanted = paths.filter(
      (p) =>
        /^(test|bench|src|docs|examples|build|node_modules|\.ci|dist\/test|dist\/bench)\//.test(p) ||
        (p.startsWith('scripts/') && p !== 'scripts/torch-config.mjs') ||
        p.endsWith('.map') ||
        (p.endsWith('.ts') && !p.endsWith('.d.ts')) ||
        !/^(dist\/src\/|native\/|scripts\/|package\.json$|README\.md$|LICENSE|binding\.gyp$)/.test(p),
    );
    assert.deepEqual(unwanted, [], `the tarball holds what a user does not need: ${unwanted.join(', ')}`);

    // every compiled file comes from a source that exists: no output of renamed or deleted files
    const stale = paths.filter((p) => p.startsWith('dist/src/') && !existsSync(join(ROOT, p.slice('dist/'.length).replace(/(\.d\.ts|\.js)$/, '.ts'))));
    assert.deepEqual(stale, [], `the tarball holds build output of sources that no longer exist: ${stale.join(', ')}`);

    const bin = files.get('dist/src/cli/main.js')!;
    assert.ok((bin.mode & 0o111) !== 0, `dist/src/cli/main.js is not executable in the tarball (mode ${bin.mode.toString(8)})`);

    // --- a user's empty project ----------------------------------------------------------------
    const app = join(tmp, 'app');
    mkdirSync(app);
    // npm 11 lists install scripts not covered by allowScripts (and a later npm blocks them): a
    // tarball dependency is allowed by its resolved spec (the absolute file: path, as npm resolves
    // it; the relative spec saved in "dependencies" does not match), a registry one by its name.
    const spec = `file:${tarball}`;
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify(
        {
          name: 'nasforge-pack-test',
          type: 'module',
          private: true,
          allowScripts: { [spec]: true, 'better-sqlite3': true, 'onnxruntime-node': false },
        },
        null,
        2,
      ),
    );
    const install = run('npm', ['install', `../${pack.filename}`, '--no-audit', '--no-fund'], app, 12 * 60_000, {
      JOBS: 'max',
      CFLAGS: process.env.CFLAGS ?? '-O0',
      // npm 11 lists but still runs scripts that allowScripts turns off: onnxruntime-node's would
      // download CUDA binaries (its CPU binding ships in the package), as the README says.
      ONNXRUNTIME_NODE_INSTALL: 'skip',
    });
    ok(install, 'npm install <tarball>');
    lap('npm install');
    const installOut = install.stdout + install.stderr;
    assert.doesNotMatch(installOut, /not yet covered by allowScripts/, `the install scripts were not all allowed:\n${installOut}`);

    const installed = join(app, 'node_modules', 'nasforge');
    assert.ok(existsSync(join(installed, 'build', 'Release', 'nasforge.node')), 'the install did not build node_modules/nasforge/build/Release/nasforge.node');
    assert.ok((statSync(join(installed, 'dist', 'src', 'cli', 'main.js')).mode & 0o111) !== 0, 'the installed bin is not executable');
    assert.ok(existsSync(join(app, 'node_modules', '.bin', 'nasforge')), 'npm linked no node_modules/.bin/nasforge');

    // the bin (--yes=false: never fetch some other 'nasforge' from the registry if it is not linked)
    const version = ok(run('npx', ['--yes=false', 'nasforge', '--version'], app, 60_000), 'npx nasforge --version').trim();
    assert.equal(version, PKG.version);

    // the exports: the top level does not load the engine; nasforge/torch loads it and computes
    const main = ok(
      run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
      import { openStudy, runSearch, torch } from 'nasforge';
      import * as T from 'nasforge/torch';
      const before = T.engineLoaded();
      const a = T.tensor([[1, 2], [3, 4]]);
      const b = T.tensor([[5, 6], [7, 8]]);
      console.log(JSON.stringify({
        openStudy: typeof openStudy, runSearch: typeof runSearch, sameTorch: torch.tensor === T.tensor,
        before, product: a.matmul(b).toArray(), after: T.engineLoaded(), libtorch: T.libtorchVersion(),
      }));`,
        ],
        app,
        120_000,
      ),
      'importing nasforge and nasforge/torch',
    );
    const got = JSON.parse(main.trim().split('\n').at(-1)!) as Record<string, unknown>;
    t.diagnostic(`libtorch ${String(got.libtorch)}`);
    assert.deepEqual(
      { ...got, libtorch: undefined },
      {
        openStudy: 'function',
        runSearch: 'function',
        sameTorch: true,
        before: false,
        product: [19, 22, 43, 50],
        after: true,
        libtorch: undefined,
      },
    );

    const strategies = ok(
      run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
      const s = await import('nasforge/strategies');
      const loaded = (await import('nasforge/torch')).engineLoaded();
      console.log(JSON.stringify({ createStrategy: typeof s.createStrategy, loaded }));`,
        ],
        app,
        60_000,
      ),
      'importing nasforge/strategies',
    );
    assert.deepEqual(JSON.parse(strategies.trim().split('\n').at(-1)!), { createStrategy: 'function', loaded: false });

    // the types: the exports map's "types" resolve for a TypeScript user
    writeFileSync(
      join(app, 'check.ts'),
      [
        "import { openStudy, runSearch, Tensor } from 'nasforge';",
        "import { tensor, engineLoaded } from 'nasforge/torch';",
        "import { createStrategy } from 'nasforge/strategies';",
        'const t: Tensor = tensor([1, 2]);',
        'export const used = [openStudy, runSearch, t, engineLoaded(), createStrategy];',
      ].join('\n'),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['check.ts'],
      }),
    );
    ok(run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], app, 120_000), 'tsc against the installed types');
    lap('checks');

    // Last, as it removes the addon: a libtorch that is not there fails the build and says what to do.
    const broken = run('npm', ['rebuild', 'nasforge'], app, 120_000, { LIBTORCH: join(tmp, 'no-libtorch') });
    assert.notEqual(broken.status, 0, 'the build succeeded without libtorch');
    const brokenOut = broken.stdout + broken.stderr;
    assert.match(brokenOut, /nasforge native build: LIBTORCH=\S*no-libtorch does not look like libtorch/);
    assert.match(brokenOut, /apt-get install libtorch-dev/);
    lap('done');
  } finally {
    if (process.env.NASFORGE_PACK_TEST_KEEP) t.diagnostic(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
});
