#!/usr/bin/env node
// Finds libtorch for the native build and prints one gyp list: --include, --libdir, --libs,
// --defines. LIBTORCH=/path (a folder with include/ and lib/, e.g. a PyTorch install's torch/)
// wins; otherwise Debian's libtorch-dev paths are used.
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

function debianLibDir() {
  for (const d of ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib']) {
    if (existsSync(join(d, 'libtorch_cpu.so'))) return d;
  }
  return null;
}

function locate() {
  const root = process.env.LIBTORCH;
  if (root) {
    const inc = join(root, 'include');
    const lib = join(root, 'lib');
    if (!existsSync(join(inc, 'ATen', 'ATen.h')) || !existsSync(lib)) {
      fail(
        `LIBTORCH=${root} does not look like libtorch: expected ${inc}/ATen/ATen.h and ${lib}/. ` +
          "Point it at a libtorch folder or a PyTorch install's torch/ folder, or unset it to use " +
          "Debian's (`apt-get install libtorch-dev libopenblas0-pthread`).",
      );
    }
    return { include: [inc, join(inc, 'torch', 'csrc', 'api', 'include')], lib };
  }
  const lib = debianLibDir();
  if (lib && existsSync('/usr/include/ATen/ATen.h')) {
    return { include: ['/usr/include', '/usr/include/torch/csrc/api/include'], lib };
  }
  fail(
    'libtorch was not found. Install it with `apt-get install libtorch-dev libopenblas0-pthread` ' +
      '(Debian), or set LIBTORCH=/path/to/libtorch (a folder with include/ and lib/).',
  );
}

function fail(msg) {
  process.stderr.write(`nasforge native build: ${msg}\n`);
  process.exit(1);
}

// PyTorch wheels before 2.7 use the pre-C++11 string ABI; match whatever c10 was built with.
function cxx11Abi(lib) {
  if (process.env.TORCH_CXX11_ABI) return process.env.TORCH_CXX11_ABI;
  try {
    const syms = execFileSync('nm', ['-D', '--defined-only', join(lib, 'libc10.so')], { maxBuffer: 1 << 28 }).toString();
    return syms.includes('__cxx11') ? '1' : '0';
  } catch {
    return '1';
  }
}

const where = locate();
const flag = process.argv[2];
const has = (name) => existsSync(join(where.lib, name));
if (flag === '--include') console.log(where.include.join(' '));
else if (flag === '--libdir') console.log(where.lib);
else if (flag === '--defines') console.log(`_GLIBCXX_USE_CXX11_ABI=${cxx11Abi(where.lib)}`);
else if (flag === '--libs') {
  // libtorch_cuda must be linked even though nothing names it, so its CUDA hooks register.
  const libs = [`-L${where.lib}`, `-Wl,-rpath,${where.lib}`, '-Wl,--no-as-needed'];
  for (const l of ['torch_cuda', 'c10_cuda']) if (has(`lib${l}.so`)) libs.push(`-l${l}`);
  libs.push('-ltorch', '-ltorch_cpu', '-lc10', '-Wl,--as-needed');
  console.log(libs.join(' '));
} else if (flag === '--where') {
  console.log(JSON.stringify({ ...where, files: readdirSync(where.lib).filter((f) => f.includes('torch')).length }));
} else fail(`unknown flag ${flag}`);
