// The Storage interface (studies, trials, intermediate values, strategy state) and its one
// implementation over the SQL surface that SQLite and PostgreSQL share.
import { randomBytes } from 'node:crypto';
import { type Json, canonicalJson, didYouMean } from '../util/index.js';
import { type Metrics, type StrategyState } from '../strategies/index.js';
import { checkMetrics, genotypeText, jsonText, preview } from './checks.js';
import { configDifferences, describeDifferences } from './config-diff.js';
import { type Db, type Param, type Sql, num } from './db.js';
import { StudyError } from './errors.js';
import { TRIAL_COLUMNS, jsonColumn, toIntermediate, toStudy, toTrial } from './rows.js';
import { type Intermediate, type StudyRecord, type Trial, type TrialState } from './types.js';

/** A trial added from outside the worker loop: a user's candidate to evaluate, or a result obtained elsewhere (weight sharing). */
export interface NewTrial {
  readonly genotype: Json;
  /** the space's canonical key of `genotype` */
  readonly key: string;
  /** default: 'complete' when `metrics` are given, else 'queued' (a worker evaluates it) */
  readonly state?: Exclude<TrialState, 'running'>;
  readonly metrics?: Metrics;
  /** the objective's value of `metrics`; required for a complete trial (the strategy is told it) */
  readonly score?: number;
  readonly fidelity?: number | null;
  /** why it failed (failed trials) */
  readonly error?: string;
  /** name → path, e.g. `weights` (the trained weights that `export` copies) */
  readonly artifacts?: Readonly<Record<string, string>>;
}

export interface EnsureOptions {
  /**
   * Top-level config fields that may differ from the stored config (run settings such as the
   * budget); the stored config takes their new values. Default: none (the configs must be equal).
   */
  readonly settings?: readonly string[];
}

export interface TrialFilter {
  /** only trials in these states (default: all) */
  readonly states?: readonly TrialState[];
}

export interface Storage {
  /** 'sqlite' or 'postgres' */
  readonly kind: 'sqlite' | 'postgres';
  /** the URL it was opened with, password removed */
  readonly url: string;
  /**
   * Where trial workdirs go by default: `<folder of the SQLite file>/<file name>.studies` for
   * SQLite, `./nasforge-studies` (in the current directory) for PostgreSQL and `:memory:`.
   */
  readonly defaultWorkdirRoot: string;
  close(): Promise<void>;
  /** a new study; StudyError('study-exists') when the name is taken */
  createStudy(name: string, config: Json): Promise<StudyRecord>;
  getStudy(name: string): Promise<StudyRecord | null>;
  listStudies(): Promise<StudyRecord[]>;
  /**
   * Creates the study, or checks that the stored config equals `config` outside
   * `options.settings` (StudyError('config-mismatch') naming each differing field) and stores
   * the new values of the settings that changed.
   */
  ensureStudy(name: string, config: Json, options?: EnsureOptions): Promise<StudyRecord>;
  /**
   * Gives a study that has no complete trial a corrected config, in one transaction: stores
   * `config`, deletes its trials (running ones too: stop their workers first) and intermediate
   * values, forgets the strategy state and restarts its clock (the `minutes` budget). Nothing
   * changes when `config` equals the stored one. Refused with StudyError('config-mismatch'), as
   * ensureStudy refuses it, once a trial is complete; StudyError('unknown-study') when absent.
   */
  resetStudy(name: string, config: Json): Promise<StudyRecord>;
  /** deletes the study with its trials and intermediate values; false when there was none */
  deleteStudy(name: string): Promise<boolean>;
  /** the study's trials by number; StudyError('unknown-study') for an unknown name */
  trials(study: string, filter?: TrialFilter): Promise<Trial[]>;
  trial(study: string, number: number): Promise<Trial | null>;
  intermediates(study: string, trialNumber: number): Promise<Intermediate[]>;
  /** the strategy's stored state (null before the first worker claimed a trial) */
  strategyState(study: string): Promise<StrategyState | null>;
  /** adds a trial under the study's lock and returns it (with its number) */
  addTrial(study: string, trial: NewTrial): Promise<Trial>;
}

export class SqlStorage implements Storage {
  constructor(
    readonly db: Db,
    readonly url: string,
    readonly defaultWorkdirRoot: string,
  ) {}

  get kind(): 'sqlite' | 'postgres' {
    return this.db.kind;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async createStudy(name: string, config: Json): Promise<StudyRecord> {
    checkName(name);
    const inserted = await this.db.run(
      `INSERT INTO studies (name, config, created_at, uid) VALUES ($1, $2, ${this.db.nowSql}, $3) ON CONFLICT (name) DO NOTHING`,
      [name, configText(name, config), newUid()],
    );
    if (inserted === 0) throw new StudyError(`a study named '${name}' already exists; pick another name or resume it`, 'study-exists');
    return (await this.getStudy(name))!;
  }

  async getStudy(name: string): Promise<StudyRecord | null> {
    const rows = await this.db.all('SELECT name, config, created_at FROM studies WHERE name = $1', [name]);
    return rows.length ? toStudy(rows[0]!) : null;
  }

  async listStudies(): Promise<StudyRecord[]> {
    return (await this.db.all('SELECT name, config, created_at FROM studies ORDER BY created_at, name')).map(toStudy);
  }

  async ensureStudy(name: string, config: Json, options: EnsureOptions = {}): Promise<StudyRecord> {
    checkName(name);
    // Insert-or-keep in one statement: concurrent workers starting the same study agree on one row.
    await this.db.run(`INSERT INTO studies (name, config, created_at, uid) VALUES ($1, $2, ${this.db.nowSql}, $3) ON CONFLICT (name) DO NOTHING`, [
      name,
      configText(name, config),
      newUid(),
    ]);
    const settings = options.settings ?? [];
    const isSetting = (path: string): boolean => settings.some((k) => path === k || path.startsWith(`${k}.`));
    return this.db.transaction({ study: name }, async (tx) => {
      const rows = await tx.all('SELECT name, config, created_at FROM studies WHERE name = $1', [name]);
      const study = toStudy(rows[0]!);
      const diffs = configDifferences(study.config, config);
      const fixed = diffs.filter((d) => !isSetting(d.path));
      if (fixed.length > 0) throw mismatch(name, describeDifferences(fixed), settings);
      if (diffs.length === 0) return study;
      const updated = withSettings(study.config, config, settings);
      await tx.run('UPDATE studies SET config = $2 WHERE name = $1', [name, canonicalJson(updated)]);
      return { ...study, config: updated };
    });
  }

  async resetStudy(name: string, config: Json): Promise<StudyRecord> {
    const text = configText(name, config);
    await this.requireStudy(name);
    return this.db.transaction({ study: name }, async (tx) => {
      const study = toStudy((await tx.all('SELECT name, config, created_at FROM studies WHERE name = $1', [name]))[0]!);
      const diffs = configDifferences(study.config, config);
      if (diffs.length === 0) return study;
      const complete = num((await tx.all("SELECT COUNT(*) AS n FROM trials WHERE study = $1 AND state = 'complete'", [name]))[0]!.n);
      if (complete > 0) {
        throw mismatch(
          name,
          describeDifferences(diffs),
          [],
          ` (its config cannot be corrected in place: it has ${complete} complete trial${complete === 1 ? '' : 's'})`,
        );
      }
      await tx.run('DELETE FROM intermediates WHERE study = $1', [name]);
      await tx.run('DELETE FROM trials WHERE study = $1', [name]);
      // a new state_seq: workers that cached the old strategy reload it (now none)
      await tx.run(
        `UPDATE studies SET config = $2, strategy_state = NULL, state_seq = state_seq + 1, created_at = ${this.db.nowSql}, uid = $3 WHERE name = $1`,
        [name, text, newUid()],
      );
      return toStudy((await tx.all('SELECT name, config, created_at FROM studies WHERE name = $1', [name]))[0]!);
    });
  }

  async deleteStudy(name: string): Promise<boolean> {
    return this.db.transaction({ study: name }, async (tx, info) => {
      await tx.run('DELETE FROM intermediates WHERE study = $1', [name]);
      await tx.run('DELETE FROM trials WHERE study = $1', [name]);
      const deleted = (await tx.run('DELETE FROM studies WHERE name = $1', [name])) > 0;
      // a retry after a COMMIT whose answer was lost finds nothing: that COMMIT deleted it
      return deleted || info.afterUnknownCommit;
    });
  }

  async trials(study: string, filter: TrialFilter = {}): Promise<Trial[]> {
    await this.requireStudy(study);
    const params: Param[] = [study];
    let where = 'study = $1';
    if (filter.states && filter.states.length > 0) {
      where += ` AND state IN (${filter.states.map((_s, i) => `$${i + 2}`).join(', ')})`;
      params.push(...filter.states);
    }
    const rows = await this.db.all(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE ${where} ORDER BY number`, params);
    return rows.map((r) => toTrial(r, study));
  }

  trial(study: string, number: number): Promise<Trial | null> {
    return readTrial(this.db, study, number);
  }

  async intermediates(study: string, trialNumber: number): Promise<Intermediate[]> {
    await this.requireStudy(study);
    const rows = await this.db.all('SELECT trial, step, metrics FROM intermediates WHERE study = $1 AND trial = $2 ORDER BY step', [study, trialNumber]);
    return rows.map((r) => toIntermediate(r, study));
  }

  async strategyState(study: string): Promise<StrategyState | null> {
    await this.requireStudy(study);
    const rows = await this.db.all('SELECT strategy_state FROM studies WHERE name = $1', [study]);
    const text = rows[0]?.strategy_state;
    return text === null || text === undefined ? null : (jsonColumn(text, `study '${study}'`, 'strategy_state') as StrategyState);
  }

  async addTrial(study: string, t: NewTrial): Promise<Trial> {
    const what = `study '${study}': added trial`;
    const genotype = genotypeText(t.genotype, what);
    if (typeof t.key !== 'string' || t.key === '') throw new StudyError(`${what}: 'key' must be the space's key of the genotype`, 'invalid-trial');
    const state = t.state ?? (t.metrics ? 'complete' : 'queued');
    if (!['queued', 'complete', 'failed', 'pruned'].includes(state)) {
      throw new StudyError(`${what}: state must be queued, complete, failed or pruned, got '${String(state)}'`, 'invalid-trial');
    }
    const metrics = t.metrics === undefined ? null : checkMetrics(t.metrics, what);
    const artifacts = checkArtifacts(t.artifacts ?? {}, what);
    if (state === 'complete' && (metrics === null || typeof t.score !== 'number' || !Number.isFinite(t.score))) {
      throw new StudyError(`${what}: a complete trial needs metrics and a finite score (the objective's value of the metrics)`, 'invalid-trial');
    }
    await this.requireStudy(study);
    const finished = state === 'queued' ? 'NULL' : this.db.nowSql;
    const values = [
      state,
      genotype,
      t.key,
      t.fidelity ?? null,
      metrics && canonicalJson(metrics),
      state === 'complete' ? t.score! : null,
      t.error ?? null,
      canonicalJson(artifacts),
      state === 'failed' ? 'error' : null,
    ];
    let tried: number | null = null;
    return this.db.transaction({ study }, async (tx, info) => {
      if (info.afterUnknownCommit && tried !== null) {
        // the COMMIT of the first run may have landed: then the trial it inserted is this one
        const rows = await tx.all('SELECT number FROM trials WHERE study = $1 AND number = $2 AND state = $3 AND genotype = $4 AND key = $5', [
          study,
          tried,
          state,
          genotype,
          t.key,
        ]);
        if (rows.length > 0) return (await readTrial(tx, study, tried))!;
      }
      const number = await nextTrialNumber(tx, study);
      tried = number;
      await tx.run(
        `INSERT INTO trials (study, number, state, genotype, key, fidelity, metrics, score, error, artifacts, failure, created_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${this.db.nowSql}, ${finished})`,
        [study, number, ...values],
      );
      return (await readTrial(tx, study, number))!;
    });
  }

  /** throws StudyError('unknown-study') naming the known studies */
  async requireStudy(name: string): Promise<void> {
    const rows = await this.db.all('SELECT 1 AS x FROM studies WHERE name = $1', [name]);
    if (rows.length > 0) return;
    const names = (await this.listStudies()).map((s) => s.name);
    const hint = didYouMean(name, names).replace(/^ Did/, '; did');
    throw new StudyError(`no study named '${name}' in ${this.url}${hint || '.'} Studies there: ${names.join(', ') || 'none'}`, 'unknown-study');
  }
}

/** one trial by number, read through `sql` (inside a transaction, its handle: SQLite's queue is not re-entrant) */
export async function readTrial(sql: Sql, study: string, number: number): Promise<Trial | null> {
  const rows = await sql.all(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study = $1 AND number = $2`, [study, number]);
  return rows.length ? toTrial(rows[0]!, study) : null;
}

export async function nextTrialNumber(tx: Sql, study: string): Promise<number> {
  const rows = await tx.all('SELECT MAX(number) AS n FROM trials WHERE study = $1', [study]);
  const n = rows[0]?.n;
  return n === null || n === undefined ? 0 : num(n) + 1;
}

/** `stored` with the top-level `settings` fields taken from `given` (removed where `given` has none). */
function withSettings(stored: Json, given: Json, settings: readonly string[]): Json {
  const isObject = (v: Json): v is { readonly [k: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(stored) || !isObject(given)) return given;
  const out: Record<string, Json> = { ...stored };
  for (const k of settings) {
    if (k in given) out[k] = given[k]!;
    else delete out[k];
  }
  return out;
}

function checkArtifacts(a: unknown, what: string): Record<string, string> {
  if (a === null || typeof a !== 'object' || Array.isArray(a) || Object.values(a).some((v) => typeof v !== 'string' || v === '')) {
    throw new StudyError(`${what}: artifacts must map names to file paths, e.g. {"weights": "/path/weights.safetensors"}, got ${preview(a)}`, 'invalid-trial');
  }
  return a as Record<string, string>;
}

/** a new study incarnation's id (trial workdirs record it) */
function newUid(): string {
  return randomBytes(8).toString('hex');
}

/** The config as stored text; StudyError('invalid-config') when it is not plain JSON of bounded depth. */
function configText(name: string, config: Json): string {
  return jsonText(config, `study '${name}': the config`, 'invalid-config');
}

function mismatch(name: string, differences: string, settings: readonly string[], why = ''): StudyError {
  const may = settings.length ? ` (only ${settings.join(' and ')} may change between runs)` : '';
  return new StudyError(
    `study '${name}' was created with another config (${differences})${may}. ` + `Run it with its stored config, or start a new study under another name${why}`,
    'config-mismatch',
  );
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw new StudyError(
      `invalid study name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-' (it names a folder too), starting with a letter or digit`,
      'invalid-name',
    );
  }
}
