// Versioned schema: an ordered list of migrations, each run once in a transaction; the
// database's `schema_version` row says how many have run. A database written by a newer
// nasforge (a version this code does not know) is refused rather than misread.
import { type Db, num } from './db.js';
import { StudyError } from './errors.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  /** statements valid on both SQLite and PostgreSQL */
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'studies, trials, intermediate values',
    statements: [
      `CREATE TABLE studies (
        name TEXT PRIMARY KEY,
        config TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        strategy_state TEXT,
        state_seq INTEGER NOT NULL DEFAULT 0
      )`,
      `CREATE TABLE trials (
        study TEXT NOT NULL REFERENCES studies(name) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        state TEXT NOT NULL,
        genotype TEXT NOT NULL,
        key TEXT NOT NULL,
        fidelity DOUBLE PRECISION,
        metrics TEXT,
        score DOUBLE PRECISION,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        worker TEXT,
        artifacts TEXT NOT NULL DEFAULT '{}',
        told INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT,
        heartbeat_at BIGINT,
        PRIMARY KEY (study, number)
      )`,
      'CREATE INDEX trials_by_state ON trials (study, state)',
      'CREATE INDEX trials_by_key ON trials (study, key)',
      `CREATE TABLE intermediates (
        study TEXT NOT NULL,
        trial INTEGER NOT NULL,
        step INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        PRIMARY KEY (study, trial, step),
        FOREIGN KEY (study, trial) REFERENCES trials(study, number) ON DELETE CASCADE
      )`,
    ],
  },
  {
    version: 2,
    description:
      'trials: the host and process of the worker holding a trial (a dead local worker is noticed at once); bracket, rung and parent trial of multi-fidelity trials',
    statements: [
      // one column per statement: SQLite's ALTER TABLE adds one at a time
      'ALTER TABLE trials ADD COLUMN host TEXT',
      'ALTER TABLE trials ADD COLUMN pid INTEGER',
      'ALTER TABLE trials ADD COLUMN bracket INTEGER',
      'ALTER TABLE trials ADD COLUMN rung INTEGER',
      'ALTER TABLE trials ADD COLUMN parent INTEGER',
    ],
  },
  {
    version: 3,
    description:
      "trials: progress kept in the trial's checkpoint, deaths of its workers (and the progress at the last one), " +
      'charged deaths (crashes at the same point), why a failed trial failed; studies: an id of each incarnation',
    statements: [
      'ALTER TABLE trials ADD COLUMN progress DOUBLE PRECISION NOT NULL DEFAULT 0',
      'ALTER TABLE trials ADD COLUMN deaths INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE trials ADD COLUMN death_progress DOUBLE PRECISION',
      'ALTER TABLE trials ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0',
      'ALTER TABLE trials ADD COLUMN failure TEXT',
      // a study's incarnation: a new one when it is made again or reset, so that trial workdirs of an earlier one are not resumed
      'ALTER TABLE studies ADD COLUMN uid TEXT',
      // trials failed before version 3: the worker loop's "failed for good" was a death, anything else the evaluation's error
      "UPDATE trials SET failure = CASE WHEN error LIKE '%failed for good' THEN 'crashed' ELSE 'error' END WHERE state = 'failed'",
    ],
  },
];

/** the advisory lock id PostgreSQL migrations hold (any constant shared by every nasforge) */
const MIGRATION_LOCK = 0x6e6173;

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the schema up to date (each missing migration in order); refuses a newer schema. */
export async function migrate(db: Db, where: string, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  return db.transaction({ global: MIGRATION_LOCK }, async (tx) => {
    await tx.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const rows = await tx.all('SELECT version FROM schema_version');
    const current = rows.length ? num(rows[0]!.version) : 0;
    if (rows.length === 0) await tx.run('INSERT INTO schema_version (version) VALUES (0)');
    const known = migrations.length;
    if (current > known) {
      throw new StudyError(
        `${where} has study schema version ${current}, newer than this nasforge knows (${known}); ` +
          'upgrade nasforge to read it (the database was not changed)',
        'schema-too-new',
      );
    }
    for (const m of migrations.slice(current)) {
      for (const s of m.statements) await tx.run(s);
      await tx.run('UPDATE schema_version SET version = $1', [m.version]);
    }
    return known;
  });
}
