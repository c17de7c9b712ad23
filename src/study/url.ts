// Storage URLs: `sqlite:PATH` (also `sqlite://PATH`, `sqlite:///abs/path`) and
// `postgres://...` / `postgresql://...`. Passwords never appear in messages.
import { resolve } from 'node:path';
import { StudyError } from './errors.js';

export type StorageUrl = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

export const URL_FORMS = "'sqlite:PATH' (a file, created if missing) or 'postgres://USER:PASSWORD@HOST:PORT/DATABASE'";

export function parseStorageUrl(url: string): StorageUrl {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new StudyError(`a storage URL is needed: ${URL_FORMS}`, 'invalid-url');
  }
  if (url.startsWith('sqlite:')) {
    let path = url.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new StudyError(`'${url}' names no file; write ${URL_FORMS}`, 'invalid-url');
    return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  throw new StudyError(`unknown storage URL '${redactUrl(url)}': use ${URL_FORMS}`, 'invalid-url');
}

/** The URL with any password replaced by '***' (in the user part and in a `password=` parameter). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@').replace(/([?&]password=)[^&#]*/gi, '$1***');
}
