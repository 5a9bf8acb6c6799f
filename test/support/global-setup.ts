import { Client } from 'pg';
import { assertTestDatabase, POSTGRES_SERVER_URL, POSTGRES_URL_VARIABLE } from './database';

/**
 * Creates one PostgreSQL database for this run (test_e2e_<pid>_<time>) so concurrent runs on
 * one server never collide. Under CI=true an unreachable server fails the run.
 */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: POSTGRES_SERVER_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    const reason = `PostgreSQL at ${POSTGRES_SERVER_URL} is unreachable: ${(error as Error).message}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI=true: PostgreSQL tests must run)`);
    console.warn(`\n${reason}; PostgreSQL e2e tests are left out of this run\n`);
    return;
  }
  try {
    const name = `test_e2e_${process.pid}_${Date.now()}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    // Not UTC on purpose: a pod's database may run in any zone, and the app must not care.
    await admin.query(`ALTER DATABASE "${name}" SET timezone TO 'Asia/Tokyo'`);
    const url = new URL(POSTGRES_SERVER_URL);
    url.pathname = `/${name}`;
    assertTestDatabase(url.toString());
    process.env[POSTGRES_URL_VARIABLE] = url.toString();
  } finally {
    await admin.end();
  }
}
