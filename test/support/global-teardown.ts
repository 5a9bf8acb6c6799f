import { Client } from 'pg';
import { POSTGRES_SERVER_URL, POSTGRES_URL_VARIABLE } from './database';
import { removeTestBuild, TEST_BUILD_VARIABLE } from './test-build';

export default async function globalTeardown(): Promise<void> {
  removeTestBuild(process.env[TEST_BUILD_VARIABLE]);
  const url = process.env[POSTGRES_URL_VARIABLE];
  if (!url) return;
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: POSTGRES_SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
