/** DATABASE_URL names no supported database, or names it in a form the store cannot use. Never echoes the URL:
 * a Postgres URL may carry a password. */
export class DatabaseUrlError extends Error {
  constructor(readonly problem: string) {
    super(`Invalid DATABASE_URL: ${problem}`);
    this.name = 'DatabaseUrlError';
  }
}

/** A migration failed at start-up; `cause` holds the database error. The schema is left as it was before. */
export class MigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    options: { cause: unknown },
  ) {
    super(migration ? `Database migration ${migration} failed` : 'Database migration failed', options);
    this.name = 'MigrationError';
  }
}
