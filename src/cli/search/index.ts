// The study commands: search, worker, status, best, trials, export, delete-study, retrain. Each command's
// code is loaded when it runs, so `nasforge --help` stays quick.
import { type Command } from 'commander';
import { datasetNames } from '../../data/index.js';

const STORAGE = 'sqlite:PATH or postgres://... (default: $NASFORGE_STORAGE, else sqlite:nasforge.db in the current folder)';

function studyCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .option('--study <name>', 'the study (default: the only study in the storage)')
    .option('--storage <url>', STORAGE)
    .option('--json', 'print JSON');
}

export function registerStudyCommands(program: Command): void {
  program
    .command('search')
    .description('run (or continue) a search study described by a config file')
    .requiredOption('--config <file>', 'the search config (YAML or JSON)')
    .option('--storage <url>', STORAGE)
    .option('--workers <n>', 'worker processes on this machine (the threads are split between them)', '1')
    .option('--study <name>', "the study's name (default: the config's study, else the file's name)")
    .option('--trials <n>', "override the config's budget.trials")
    .option('--minutes <x>', "override the config's budget.minutes")
    .option('--seed <n>', "override the config's seed")
    .option('--threads <n>', 'libtorch threads in all (default: all cores)')
    .option('--json', 'print the result as one JSON object')
    .action(async (f) => (await import('./search.js')).search(f));

  program
    .command('worker')
    .description('join a stored study: claim and evaluate its trials until its budget is used')
    .requiredOption('--study <name>', 'the study to work on')
    .option('--storage <url>', STORAGE)
    .option('--threads <n>', 'libtorch threads (default: all cores)')
    .option('--workdir <dir>', 'where trial workdirs go (default: beside the SQLite file, or ./nasforge-studies)')
    .action(async (f) => (await import('./search.js')).worker(f));

  studyCommand(program, 'status', 'progress of a study: trials by state, budget used, best so far, failures').action(async (f) =>
    (await import('./report.js')).status(f),
  );
  studyCommand(program, 'best', 'the best trial of a study: genotype, metrics, artifacts').action(async (f) => (await import('./report.js')).best(f));
  studyCommand(program, 'trials', "a study's trials: state, score, metrics, genotype key").action(async (f) => (await import('./report.js')).trials(f));
  studyCommand(program, 'export', "write a study's best genotype (JSON) and its trained weights (safetensors) into a folder")
    .requiredOption('--out <dir>', 'the folder to write genotype.json (and weights.safetensors) into')
    .option('--trial <n>', 'export this trial instead of the best')
    .action(async (f) => (await import('./report.js')).exportTrial(f));

  program
    .command('delete-study')
    .description("delete a study: its trials, its strategy's state and its trials' folders (checkpoints, weights)")
    .requiredOption('--study <name>', 'the study to delete')
    .option('--storage <url>', STORAGE)
    .option('--yes', 'confirm: without it nothing is deleted')
    .option('--json', 'print JSON')
    .action(async (f) => (await import('./report.js')).removeStudy(f));

  program
    .command('retrain')
    .description('train a found genotype at a larger stack with the final recipe and report its test accuracy (percent)')
    .option('--study <name>', "retrain this study's best trial (default: the only study in the storage)")
    .option('--storage <url>', STORAGE)
    .option('--trial <n>', 'retrain this trial instead of the best')
    .option(
      '--genotype <file>',
      "retrain this genotype: a JSON file, '-' for stdin, or inline JSON; what `inspect --json`, `best --json`, `search --json`, `status --json` print and `export`'s genotype.json work as they are (a bare genotype needs --space)",
    )
    .option('--space <name>', 'the space of a bare genotype (a document that names its space needs none)')
    .option('--epochs <n>', 'training epochs (cosine schedule)', '10')
    .option('--cells <n>', "cells of the final network (default: as searched, or the --genotype document's stack)")
    .option('--channels <n>', "initial channels of the final network (default: twice the searched; an inspect --json document's as it is)")
    .option('--batch-size <n>', 'batch size', '96')
    .option('--lr <x>', 'initial learning rate (SGD, momentum 0.9)', '0.025')
    .option('--cutout <px>', 'cutout square side (default: a quarter of the image side; 0 = off)')
    .option('--drop-path <p>', 'final drop-path probability (ScheduledDropPath; spaces that have it)', '0.2')
    .option('--aux-weight <w>', 'auxiliary head loss weight (spaces that have one; 0 = no head; default 0.4 on images of 32x32 and larger, else 0)')
    .option('--dataset <name>', `data set (default: the study's, else fashion-mnist): ${datasetNames().join(', ')}`)
    .option('--data-root <dir>', "folder with the data set's files")
    .option('--limit <n>', 'train on the first N training examples only (default: all)')
    .option('--seed <n>', 'random seed', '0')
    .option('--threads <n>', 'libtorch threads (default: all cores)')
    .option('--checkpoint <dir>', 'checkpoint folder: resumed if it holds one, written every epoch')
    .option('--save <file>', 'write the trained weights (safetensors)')
    .option('--json', 'print one JSON object with the result')
    .action(async (f) => (await import('./retrain.js')).retrain(f));
}
