#!/usr/bin/env node
// The `nasforge` command.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerInfo } from './info.js';
import { registerInspect } from './inspect.js';
import { registerDraw } from './draw.js';
import { registerBenchmarkStrategies } from './benchmark-strategies.js';
import { registerTrain } from './train.js';
import { registerStudyCommands } from './search/index.js';
import { NasforgeError } from '../util/index.js';
import { exitCodeOf } from './errors.js';

function packageVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../../..', '../..']) {
    try {
      return (JSON.parse(readFileSync(resolve(here, up, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // try the next layout (dist/src/cli or src/cli)
    }
  }
  return 'unknown';
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('nasforge')
    .description('Neural architecture search on a libtorch engine')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError()
    .exitOverride();
  registerInfo(program);
  registerTrain(program);
  registerInspect(program);
  registerDraw(program);
  registerBenchmarkStrategies(program);
  registerStudyCommands(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    // commander has printed its message: help and --version end with 0, a bad flag is a usage error (2)
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof NasforgeError) {
      process.stderr.write(`nasforge: ${e.message}\n`);
      if (process.env.NASFORGE_DEBUG) process.stderr.write(`${e.stack}\n`);
      return exitCodeOf(e);
    }
    const err = e instanceof Error ? e : new Error(String(e));
    process.stderr.write(`nasforge: unexpected error: ${err.message}${process.env.NASFORGE_DEBUG ? '' : ' (NASFORGE_DEBUG=1 shows where)'}\n`);
    if (process.env.NASFORGE_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
