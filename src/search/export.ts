// A study's trial leaving nasforge: its genotype document (genotype.json: what `retrain
// --genotype` reads) and its trained weights (weights.safetensors), written into a folder.
// Files a previous export wrote there are replaced or removed, so the folder never holds an old
// trial's weights beside a new trial's genotype.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configField, chooseTrial, pickStudy, type StudyQuery } from './read.js';
import { withStorage } from './storage.js';

/** What an export writes (and so removes when it has nothing to write in its place). */
export const EXPORT_FILES = ['genotype.json', 'weights.safetensors'] as const;

export interface ExportRequest extends StudyQuery {
  /** the folder (created if missing) */
  readonly out: string;
  /** default: the best complete trial */
  readonly trial?: number;
}

export interface ExportResult {
  readonly study: string;
  readonly trial: number;
  /** the files written, genotype.json first */
  readonly files: string[];
  /** false when the trial has no trained weights (a table lookup trains none) */
  readonly weights: boolean;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function exportTrial(r: ExportRequest): Promise<ExportResult> {
  return withStorage(
    r.storage,
    async (storage) => {
      const s = await pickStudy(storage, r.study);
      const t = chooseTrial(s, await storage.trials(s.name), r.trial);
      const dir = resolve(r.out);
      mkdirSync(dir, { recursive: true });
      const genotype = join(dir, 'genotype.json');
      const files = [genotype];
      const source = t.artifacts.weights;
      const weights = join(dir, 'weights.safetensors');
      if (source && existsSync(source)) {
        copyFileSync(source, `${weights}.tmp-${process.pid}`);
        renameSync(`${weights}.tmp-${process.pid}`, weights);
        files.push(weights);
      } else {
        rmSync(weights, { force: true });
      }
      writeAtomic(
        genotype,
        `${JSON.stringify(
          {
            study: s.name,
            trial: t.number,
            space: configField(s, 'space') ?? null,
            stack: configField(s, 'stack') ?? null,
            dataset: configField(s, 'dataset') ?? null,
            key: t.key,
            genotype: t.genotype,
            metrics: t.metrics,
            score: t.score,
          },
          null,
          2,
        )}\n`,
      );
      return { study: s.name, trial: t.number, files, weights: files.length > 1 };
    },
    { mustExist: true },
  );
}
