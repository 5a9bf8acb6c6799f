/**
 * What the shared login limits cost the database, against what a login costs anyway (one scrypt).
 * An attempt is up to 3 upserts into `login_attempts` (client, client+username, username).
 * Measured on SQLite (a temp file) and on PostgreSQL when 127.0.0.1:5432 answers, in a database
 * of its own that is dropped afterwards. Bounded: ATTEMPTS per run (default 2000), 60 s overall.
 * Run: node -r @swc-node/register bench/login-limits.bench.ts, or from bench/run.ts.
 */
import { writeResults } from './results';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseLoginAttemptsStore } from '../src/auth/database-login-attempts.store';
import { LoginLimitKind } from '../src/auth/login-attempts.store';
import { PasswordHasher } from '../src/auth/password';
import { createDataSource } from '../src/database/data-source';
import { runPendingMigrations } from '../src/database/migrator';
import { DatabaseSettings } from '../src/settings/settings';
import { createScratchDatabase } from '../test/support/database';

const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 2000);
const CONCURRENCY = 20;
/** Set when the bench starts (not when npm run bench loads it, before the others ran). */
let DEADLINE = Date.now() + 60_000;
const KINDS: LoginLimitKind[] = ['client', 'client-username', 'username'];
// The goal: the shared counts cost at most a tenth of the scrypt every attempt runs anyway.
const GOAL_FRACTION_OF_KDF = 0.1;

interface Figures {
  readonly database: string;
  readonly usPerAttemptSequential: number;
  readonly attemptsPerSecondConcurrent: number;
}

async function measure(database: DatabaseSettings): Promise<Figures> {
  const dataSource = await createDataSource({ database, debug: false }).initialize();
  try {
    await runPendingMigrations(dataSource);
    const store = new DatabaseLoginAttemptsStore(dataSource, 'bench-secret-key-bench-secret-key-0000');
    // Distinct clients and usernames, as a spread-out attack would send them: every hit an upsert.
    const attempt = async (n: number) => {
      for (const kind of KINDS) await store.hit(kind, `${kind}-${n % 500}`, 60_000);
    };
    for (let n = 0; n < 200; n++) await attempt(n); // warm-up: connections, statement caches
    let started = process.hrtime.bigint();
    for (let n = 0; n < ATTEMPTS; n++) {
      await attempt(n);
      if (Date.now() > DEADLINE) throw new Error('benchmark exceeded its 60 s limit');
    }
    const sequential = Number(process.hrtime.bigint() - started) / 1000 / ATTEMPTS;
    started = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ATTEMPTS) await attempt(next++);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      database: database.type,
      usPerAttemptSequential: sequential,
      attemptsPerSecondConcurrent: ATTEMPTS / seconds,
    };
  } finally {
    await dataSource.destroy();
  }
}

async function kdfMs(): Promise<number> {
  const hasher = new PasswordHasher();
  const hash = await hasher.hash('warm-up-password');
  const started = process.hrtime.bigint();
  for (let i = 0; i < 5; i++) await hasher.verify('a-wrong-password', hash);
  return Number(process.hrtime.bigint() - started) / 1e6 / 5;
}

/** `work` on a PostgreSQL database of its own, dropped afterwards; null when the server is unreachable. */
async function withScratchPostgres<T>(work: (url: string) => Promise<T>): Promise<T | null> {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  try {
    database = await createScratchDatabase('bench_login_limits');
  } catch {
    console.log('login limits: PostgreSQL unreachable, measuring SQLite only');
    return null;
  }
  try {
    return await work(database.url);
  } finally {
    await database.drop();
  }
}

export async function runLoginLimitsBench(): Promise<boolean> {
  DEADLINE = Date.now() + 60_000;
  const figures: Figures[] = [];
  const file = join(mkdtempSync(join(tmpdir(), 'bench-limits-')), 'db.sqlite3');
  figures.push(await measure({ type: 'sqlite', path: file }));
  const postgres = await withScratchPostgres((url) => measure({ type: 'postgres', url }));
  if (postgres) figures.push(postgres);
  const kdf = await kdfMs();
  console.log(
    `\nlogin limits in the database (${ATTEMPTS} attempts, 3 upserts each; scrypt per attempt ${kdf.toFixed(1)} ms)`,
  );
  let met = true;
  for (const f of figures) {
    const share = f.usPerAttemptSequential / 1000 / kdf;
    met &&= share <= GOAL_FRACTION_OF_KDF;
    console.log(
      `  ${f.database.padEnd(8)} ${f.usPerAttemptSequential.toFixed(0).padStart(6)} µs per attempt (one at a time), ` +
        `${f.attemptsPerSecondConcurrent.toFixed(0).padStart(6)} attempts/s with ${CONCURRENCY} in flight, ` +
        `${(share * 100).toFixed(1)} % of the scrypt (goal ≤ ${GOAL_FRACTION_OF_KDF * 100} %)`,
    );
  }
  writeResults('login-limits', {
    attempts: ATTEMPTS,
    concurrency: CONCURRENCY,
    scryptMs: kdf,
    databases: figures,
    goals: { fractionOfScrypt: GOAL_FRACTION_OF_KDF, isMet: met },
  });
  return met;
}

if (require.main === module) {
  void runLoginLimitsBench().then((met) => process.exit(met ? 0 : 1));
}
