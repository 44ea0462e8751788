import { afterAll, afterEach } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { storeTestDatabases, type TestDatabase } from '../support/store-databases.js';

/** Every dialect the store suite runs against; Postgres carries a skipReason when TEST_DATABASE_URL is unusable. */
export const dialects: TestDatabase[] = await storeTestDatabases({ TEST_DATABASE_URL: process.env.TEST_DATABASE_URL });

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/**
 * Opens stores on `db` for the tests of one describe block (a fresh database unless a URL is given), closes them after
 * each test and removes the databases after the block. Call it inside the describe.
 */
export function storesOn(db: TestDatabase): (url?: string) => Promise<Store> {
  const opened: Store[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await db.dispose();
  });
  return async (url = db.freshUrl()) => {
    const store = await openStore(url);
    opened.push(store);
    return store;
  };
}
