import { DatabaseUrlError } from './errors.js';

export type DatabaseTarget =
  | {
      dialect: 'sqlite' /** `:memory:` or a file path as given (relative paths resolve against the cwd). */;
      file: string;
    }
  | {
      dialect: 'postgres';
      /** The URL handed to pg, without the store's own `schema` parameter. */
      connectionString: string;
      /** Tables live here (search_path); created on first start. Absent: the server's default search_path. */
      schema: string | undefined;
    };

/** A schema name that needs no quoting anywhere (search_path option, DDL, advisory lock key). */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Accepts `sqlite::memory:`, `sqlite:./relative.db`, `sqlite:/absolute.db`, `sqlite:///absolute.db`, and
 * `postgres://…` / `postgresql://…` with an optional `?schema=NAME`.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed.startsWith('sqlite:')) {
    let file = trimmed.slice('sqlite:'.length);
    // sqlite:///abs/path is the URL form of /abs/path; sqlite://rel would be a host, which SQLite has not.
    if (file.startsWith('///')) file = file.slice(2);
    else if (file.startsWith('//'))
      throw new DatabaseUrlError('a sqlite URL takes a path: sqlite:./file.db or sqlite:///abs.db');
    if (file === '')
      throw new DatabaseUrlError('the sqlite URL has no file path (use sqlite::memory: for a memory db)');
    return { dialect: 'sqlite', file };
  }
  if (/^postgres(ql)?:\/\//.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw new DatabaseUrlError('the postgres URL is not a valid URL');
    }
    const schemas = parsed.searchParams.getAll('schema');
    if (schemas.length > 1) throw new DatabaseUrlError('the postgres URL names more than one schema');
    const schema = schemas[0];
    if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
      throw new DatabaseUrlError(
        'schema must be lower-case letters, digits and underscores, starting with a letter or underscore',
      );
    }
    parsed.searchParams.delete('schema');
    return { dialect: 'postgres', connectionString: parsed.toString(), schema };
  }
  throw new DatabaseUrlError('expected sqlite:PATH, sqlite::memory: or postgres://…');
}
