// The small SQL surface both backends offer, so that the study logic (storage, claims,
// migrations) is written once: `$1`-style parameters, rows as plain objects, transactions that
// hold a study's write lock.

export type Row = Record<string, unknown>;
export type Param = string | number | null;

export interface Sql {
  all(sql: string, params?: readonly Param[]): Promise<Row[]>;
  /** runs a statement; resolves to the number of rows it changed */
  run(sql: string, params?: readonly Param[]): Promise<number>;
}

/** What a transaction locks: one study (its row), or a named global lock (migrations). */
export type Lock = { readonly study: string } | { readonly global: number } | null;

/** What a transaction's body is told about the run it is in. */
export interface TxInfo {
  /**
   * This run repeats one whose COMMIT was sent but whose answer was lost with the connection
   * (PostgreSQL): that run may have committed. A body that is not idempotent checks for its own
   * earlier effect first (a claim adopts the trial it may already hold).
   */
  readonly afterUnknownCommit: boolean;
}

export interface Db extends Sql {
  readonly kind: 'sqlite' | 'postgres';
  /** an SQL expression for the database's clock in ms since the epoch (one clock for every worker) */
  readonly nowSql: string;
  /**
   * Runs `fn` in a transaction holding `lock` (SQLite: BEGIN IMMEDIATE, the whole file;
   * PostgreSQL: the study's row FOR UPDATE, or an advisory lock); commits when `fn` resolves,
   * rolls back when it throws. PostgreSQL: a run whose connection dropped is retried as a
   * whole on a new connection (see TxInfo), until the reconnect time is used up.
   */
  transaction<T>(lock: Lock, fn: (tx: Sql, info: TxInfo) => Promise<T>): Promise<T>;
  /**
   * When (local clock, ms) this database last came back after its connection was lost, or null:
   * heartbeats of other workers could not land before it either, so they are not judged stale
   * until they had a while to land again.
   */
  readonly reconnectedAt: number | null;
  close(): Promise<void>;
}

/** A BIGINT or INTEGER column as a JS number (node-postgres returns BIGINT as a string). */
export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
