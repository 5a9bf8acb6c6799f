import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { assertTestDatabase, truncateTables } from '../support/database';
import { compiledEntry } from '../support/test-build';

const ROOT = join(__dirname, '..', '..');

/** Runs the e2e global setup in a process of its own, against the server `server` names. */
function globalSetupAgainst(server: string): Promise<{ code: number; stderr: string }> {
  const compiled = compiledEntry('test/support/global-setup.ts');
  const module = JSON.stringify(compiled ?? './test/support/global-setup');
  const script = `require(${module}).default().then(() => process.exit(0), (e) => { process.stderr.write(e.message); process.exit(3); })`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(compiled ? [] : ['-r', '@swc-node/register']), '-e', script],
      { cwd: ROOT, env: { PATH: process.env.PATH, TEST_POSTGRES_SERVER: server }, timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
}

describe('the guard against a database not meant for tests', () => {
  it('refuses a URL whose database name lacks "test"', () => {
    expect(() => assertTestDatabase('postgres://app@db:5432/billing')).toThrow(
      'refusing to use database "billing": its name must contain "test"',
    );
    expect(() => assertTestDatabase('postgres://app@db:5432/test_e2e_1')).not.toThrow();
  });

  it('stops truncateTables before it connects to such a database', async () => {
    await expect(truncateTables('postgres://postgres@127.0.0.1:5432/billing', ['items'])).rejects.toThrow(
      'refusing to use database "billing"',
    );
  });

  it('stops the e2e run when TEST_POSTGRES_SERVER names such a database', async () => {
    const run = await globalSetupAgainst('postgres://postgres@127.0.0.1:5432/postgres');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('refusing to use database "postgres"');
  });
});
