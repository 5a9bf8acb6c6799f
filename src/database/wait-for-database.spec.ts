import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseDriverError, isDriverLoadError, waitForDatabase } from './wait-for-database';

/** The error Node throws for a native addon it cannot load (a wrong ABI gives the same code). */
function realDlopenError(): unknown {
  const file = join(mkdtempSync(join(tmpdir(), 'dlopen-')), 'broken.node');
  writeFileSync(file, 'not a shared object');
  try {
    process.dlopen({ exports: {} }, file);
  } catch (error) {
    return error;
  }
  throw new Error('dlopen accepted a text file');
}

async function realModuleNotFound(): Promise<unknown> {
  try {
    const name: string = 'a-driver-that-is-not-installed';
    await import(name);
  } catch (error) {
    return error;
  }
  throw new Error('the loader found a module that does not exist');
}

describe(isDriverLoadError.name, () => {
  it('recognises a native addon Node cannot load and a driver that is not installed', async () => {
    expect(isDriverLoadError(realDlopenError())).toBe(true);
    expect(isDriverLoadError(await realModuleNotFound())).toBe(true);
    expect(isDriverLoadError(new Error("Module did not self-register: 'better_sqlite3.node'."))).toBe(true);
  });

  it("leaves the database's own failures to the retries", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isDriverLoadError(refused)).toBe(false);
    expect(isDriverLoadError(new Error('password authentication failed for user "app"'))).toBe(false);
    expect(isDriverLoadError('a string')).toBe(false);
  });
});

describe(waitForDatabase.name, () => {
  it('returns once an SQLite file opens', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wait-db-')), 'db.sqlite3');
    const lines: string[] = [];
    await waitForDatabase(
      { database: { type: 'sqlite', path }, debug: false },
      { log: (line) => lines.push(line) },
    );
    expect(lines).toEqual([]);
  });

  it('names the fix in one line', () => {
    const error = new DatabaseDriverError("Module did not self-register: 'better_sqlite3.node'.");
    expect(error.message).toMatch(/^database: the driver cannot be loaded \(.*\); reinstall .*npm ci/);
    expect(error.message).not.toContain('\n');
  });
});
