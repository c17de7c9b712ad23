// Backends for the study tests: a SQLite file in a fresh temporary folder, and a PostgreSQL
// database created on the test server (dropped afterwards). PostgreSQL must be reachable unless
// NASFORGE_SKIP_PG=1: a missing server fails the tests, it does not hide them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { withDefaultUser } from '../../src/study/pg-db.js';
import { getSpace } from '../../src/spaces/index.js';
import { type Json } from '../../src/util/index.js';
import { maximize } from '../../src/strategies/index.js';
import { type StudyDefinition } from '../../src/study/index.js';

export const PG_BASE = process.env.NASFORGE_TEST_PG || 'postgres:///postgres?host=/var/run/postgresql';
export const SKIP_PG = process.env.NASFORGE_SKIP_PG === '1';

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** a fresh, empty storage URL (a new file or a new database) */
  url(): Promise<string>;
  /** removes everything `url()` made */
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    url: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'nasforge-study-'));
      dirs.push(dir);
      return `sqlite:${join(dir, 'study.db')}`;
    },
    cleanup: async () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The database a test server URL names. */
export function databaseOf(url: string): string {
  return new URL(url).pathname.slice(1);
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Runs `fn` on a new connection to the test server's `postgres` database (or `database`), as a user that may create databases. */
export async function admin<T>(fn: (c: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const c = new pg.Client({ connectionString: withDefaultUser(database ? withDatabase(PG_BASE, database) : PG_BASE), connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_BASE} (${(e as Error).message}). The study tests need it: run scripts/setup.sh ` +
        '(make test does) to install and start it, set NASFORGE_TEST_PG to a server URL whose user may create databases, ' +
        'or set NASFORGE_SKIP_PG=1 to skip the PostgreSQL tests',
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function postgresBackend(): Backend {
  const made: string[] = [];
  return {
    name: 'postgres',
    url: async () => {
      const db = `nasforge_test_${process.pid}_${made.length}_${Math.random().toString(36).slice(2, 8)}`;
      await admin((c) => c.query(`CREATE DATABASE ${db}`));
      made.push(db);
      return withDatabase(PG_BASE, db);
    },
    cleanup: async () => {
      if (made.length === 0) return;
      await admin(async (c) => {
        for (const db of made) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      });
    },
  };
}

/** The backends to run a suite on: SQLite always, PostgreSQL unless NASFORGE_SKIP_PG=1. */
export function backends(): Backend[] {
  return SKIP_PG ? [sqliteBackend()] : [sqliteBackend(), postgresBackend()];
}

/** A stable pseudo-accuracy in [60, 95) from a key: a cheap evaluator's metric. */
export function pseudoAccuracy(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619) >>> 0;
  return 60 + (h % 35000) / 1000;
}

/** A study on the NAS-Bench-Macro space (6,561 architectures; no table needed). */
export function definition(name: string, trials = 10, strategy = 'random', extra: Partial<StudyDefinition> = {}): StudyDefinition {
  const config: Json = { space: 'nas-bench-macro', strategy, trials };
  return {
    name,
    config,
    space: getSpace('nas-bench-macro'),
    strategy: { name: strategy, options: {} },
    objective: maximize('valAccuracy'),
    budget: { trials },
    seed: 0,
    heartbeatSeconds: 1,
    ...extra,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
