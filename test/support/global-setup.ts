import { Client } from 'pg';
import { assertTestDatabase, POSTGRES_SERVER_URL, POSTGRES_URL_VARIABLE } from './database';
import { generateRsaKeyPair, TEST_KEY_PAIR_VARIABLE } from './keys';
import { compileTestBuild, TEST_BUILD_VARIABLE } from './test-build';

/**
 * Creates one PostgreSQL database for this run (test_e2e_<pid>_<time>) so concurrent runs on
 * one server never collide. Under CI=true an unreachable server fails the run. Compiles the
 * sources the tests' processes run (test-build.ts) and makes the run's RSA key pair (keys.ts).
 */
export default async function globalSetup(): Promise<void> {
  // TEST_POSTGRES_SERVER is the one database URL a developer chooses: it must name a test
  // database too, so a production URL pasted there stops the run before anything is created.
  assertTestDatabase(POSTGRES_SERVER_URL);
  process.env[TEST_BUILD_VARIABLE] = await compileTestBuild();
  process.env[TEST_KEY_PAIR_VARIABLE] = JSON.stringify(generateRsaKeyPair());
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
    await createWithNaturalCollation(admin, name);
    // Not UTC on purpose: a pod's database may run in any zone, and the app must not care.
    await admin.query(`ALTER DATABASE "${name}" SET timezone TO 'Asia/Tokyo'`);
    const url = new URL(POSTGRES_SERVER_URL);
    url.pathname = `/${name}`;
    process.env[POSTGRES_URL_VARIABLE] = url.toString();
  } finally {
    await admin.end();
  }
}

/**
 * Production servers usually sort text the human way (en_US.UTF-8), this one may sort by bytes
 * (C.UTF-8); tests run on the former so an order that only holds under C shows up. ICU locales
 * in CREATE DATABASE need PostgreSQL 15; elsewhere the server's default is used.
 */
async function createWithNaturalCollation(admin: Client, name: string): Promise<void> {
  try {
    await admin.query(
      `CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
    );
  } catch (error) {
    console.warn(`\nPostgreSQL e2e database without an ICU collation (${(error as Error).message})\n`);
    await admin.query(`CREATE DATABASE "${name}"`);
  }
}
