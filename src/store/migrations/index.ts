import type { Migration, MigrationProvider } from 'kysely';
import { migration0001 } from './0001_init.js';
import { migration0002 } from './0002_request_signatures.js';
import { migration0003 } from './0003_status_keys.js';

/** Every migration, keyed by its sortable name. Append new ones; never rename, reorder or edit a released one. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_init': migration0001,
  '0002_request_signatures': migration0002,
  '0003_status_keys': migration0003,
};

/** Static: the migrations ship in the bundle, no directory scanning at start-up. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
