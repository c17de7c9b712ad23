// Where a PostgreSQL URL points, as libpq reads it: a URL without a host uses the local Unix
// socket ($PGHOST, else /var/run/postgresql or /tmp, whichever has the server's socket), and
// without a user $PGUSER or the operating system's user. Errors name host, port and database.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { StudyError } from './errors.js';
import { redactUrl } from './url.js';

export interface PgTarget {
  /** a host name, an address, or a socket directory (starts with '/') */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** the URL node-postgres is given: the host and user made explicit */
  readonly connectionString: string;
  /** the URL as given, password removed */
  readonly shown: string;
}

const SOCKET_DIRS = ['/var/run/postgresql', '/tmp'];

/** The socket directory libpq would use for `port`: $PGHOST, else the first default that has the socket. */
export function defaultSocketDir(port: number): string {
  if (process.env.PGHOST) return process.env.PGHOST;
  return SOCKET_DIRS.find((d) => existsSync(join(d, `.s.PGSQL.${port}`))) ?? SOCKET_DIRS[0]!;
}

export function pgTarget(url: string): PgTarget {
  const m = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?/.exec(url);
  if (!m) throw new StudyError(`'${redactUrl(url)}' is not a PostgreSQL URL: write postgres://USER:PASSWORD@HOST:PORT/DATABASE`, 'invalid-url');
  const [, scheme, userinfo, hostport = '', path = '', query = ''] = m;
  const params = new URLSearchParams(query.slice(1));
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(hostport);
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const port = Number(params.get('port') ?? hp?.[2] ?? process.env.PGPORT ?? 5432);
  let host = params.get('host') ?? decode(hp?.[1] ?? '');
  const user = userinfo !== undefined ? decode(userinfo.split(':')[0]!) : (params.get('user') ?? process.env.PGUSER ?? userInfo().username);
  const database = decode(path.slice(1)) || process.env.PGDATABASE || user;
  let extra = '';
  if (host === '') {
    // libpq's rule, not node-postgres's (which tries TCP to localhost and waits)
    host = defaultSocketDir(port);
    extra = `${query ? '&' : '?'}host=${encodeURIComponent(host)}`;
  }
  const withUser = userinfo !== undefined || params.has('user') ? '' : `${encodeURIComponent(user)}@`;
  const connectionString = `${scheme}${userinfo !== undefined ? `${userinfo}@` : withUser}${hostport}${path}${query}${extra}`;
  return { host, port, database, user, connectionString, shown: redactUrl(url) };
}

/** "host H, port P, database D" (a socket: its path) */
export function describeTarget(t: PgTarget): string {
  const where = t.host.startsWith('/') ? `the Unix socket ${join(t.host, `.s.PGSQL.${t.port}`)}` : `host ${t.host}, port ${t.port}`;
  return `${where}, database ${t.database} (${t.shown})`;
}

/** The error for a first connection that failed: what was tried, why, and what to check. */
export function connectError(t: PgTarget, e: unknown, timeoutMs: number): StudyError {
  const err = e as { code?: string; message?: string };
  const why = err.message || err.code || String(e);
  const socket = t.host.startsWith('/');
  let hint = socket
    ? 'is the server running on this machine (e.g. `pg_ctlcluster 15 main start`), and is that its socket folder? Name another with ?host=DIR or $PGHOST'
    : 'is the server running and reachable, and are the host and port right?';
  if (err.code === '3D000') hint = 'the database does not exist: create it first (e.g. `createdb NAME`) or name another one in the URL';
  else if (err.code === '28P01' || err.code === '28000') hint = 'the server refused the user or password: check them in the URL';
  else if (err.code === 'ENOENT') hint = `no server socket there: ${hint}`;
  else if (/timeout|timed out/i.test(why)) {
    hint = `no answer within ${timeoutMs / 1000} s: ${socket ? hint : 'is the host right, and does no firewall drop packets to that port?'}`;
  }
  return new StudyError(`cannot connect to PostgreSQL at ${describeTarget(t)}: ${why}; ${hint}`, 'unreachable');
}
