// Config mistakes as messages that name the field, say what was wrong and what is allowed.
import { NasforgeError, didYouMean, showValue } from '../util/index.js';

/** A bad search config: message "FILE: field what was wrong; what is allowed" (code 'invalid-config'). */
export class ConfigError extends NasforgeError {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${field ? `${field} ` : ''}${detail}`, 'invalid-config');
    this.name = 'ConfigError';
  }
}

/** A value as it appears in a message: JSON cut at 60 characters (non-finite numbers spelled out). */
export const show = showValue;

const EXPECTED: Readonly<Record<string, string>> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
  record: 'a mapping of fields',
};

/** The fields each object of the config may have, by its path (for unknown-field help). */
export type FieldLists = Readonly<Record<string, readonly string[]>>;

interface LooseIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
}

/** One zod issue as a ConfigError; `prefix` is the path of the parsed value inside the config. */
export function issueError(file: string, issue: LooseIssue, fields: FieldLists, prefix = ''): ConfigError {
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  switch (issue.code) {
    case 'invalid_type': {
      const want = EXPECTED[issue.expected ?? ''] ?? issue.expected ?? 'another type';
      if (issue.input === undefined) return new ConfigError(file, path, `is missing; it must be ${want}`);
      return new ConfigError(file, path, `is ${show(issue.input)}; it must be ${want}`);
    }
    case 'invalid_value':
      return new ConfigError(file, path, `is ${show(issue.input)}; allowed: ${(issue.values ?? []).map((v) => String(v)).join(', ')}`);
    case 'unrecognized_keys': {
      const known = fields[path] ?? [];
      const key = issue.keys?.[0] ?? '?';
      const where = path ? `'${path}'` : 'the config';
      return new ConfigError(file, path ? `${path}.${key}` : key, `is not a field of ${where}.${didYouMean(key, known)} Its fields: ${known.join(', ')}`);
    }
    case 'too_small':
      return new ConfigError(file, path, `is ${show(issue.input)}; it must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`);
    case 'too_big':
      return new ConfigError(file, path, `is ${show(issue.input)}; it must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`);
    default:
      return new ConfigError(file, path, `is ${show(issue.input)}: ${issue.message}`);
  }
}
