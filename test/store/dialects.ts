import { storeTestDatabases, type TestDatabase } from '../support/store-databases.js';

/** Every dialect the store suite runs against; Postgres carries a skipReason when TEST_DATABASE_URL is unusable. */
export const dialects: TestDatabase[] = await storeTestDatabases({ TEST_DATABASE_URL: process.env.TEST_DATABASE_URL });

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
