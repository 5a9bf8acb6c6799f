import { Logger, LoggerService } from '@nestjs/common';
import { createDataSource } from './data-source';

const SECRET = 'scrypt$32768$8$3$c2VjcmV0LXNhbHQ$c2VjcmV0LWhhc2gtdmFsdWU';

/** Everything written anywhere while `work` runs: Nest's logger, the console, stdout and stderr. */
async function everythingWritten(work: () => Promise<unknown>): Promise<string> {
  const written: string[] = [];
  const keep = (...parts: unknown[]) =>
    written.push(parts.map((part) => JSON.stringify(part) ?? '').join(' '));
  const capture: LoggerService = {
    log: keep,
    error: keep,
    warn: keep,
    debug: keep,
    verbose: keep,
    fatal: keep,
  };
  Logger.overrideLogger(capture);
  const spies = [
    jest.spyOn(console, 'log').mockImplementation(keep),
    jest.spyOn(console, 'error').mockImplementation(keep),
    jest.spyOn(console, 'warn').mockImplementation(keep),
    jest.spyOn(console, 'info').mockImplementation(keep),
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (keep(String(chunk)), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (keep(String(chunk)), true)),
  ];
  try {
    await work();
  } finally {
    for (const spy of spies) spy.mockRestore();
    Logger.overrideLogger(new Logger());
  }
  return written.join('\n');
}

async function failQueryWithSecret(debug: boolean): Promise<string> {
  const dataSource = await createDataSource({
    debug,
    database: { type: 'sqlite', path: ':memory:' },
  }).initialize();
  try {
    return await everythingWritten(() =>
      dataSource
        .query('INSERT INTO no_such_table (password_hash) VALUES (?)', [SECRET])
        .catch(() => undefined),
    );
  } finally {
    await dataSource.destroy();
  }
}

describe('query logging', () => {
  it('logs a failed query without its parameters when DEBUG is off', async () => {
    const written = await failQueryWithSecret(false);
    expect(written).toContain('query failed: ');
    expect(written).toContain('no_such_table');
    expect(written).not.toContain('c2VjcmV0');
  });

  it('shows the parameters in DEBUG', async () => {
    expect(await failQueryWithSecret(true)).toContain(SECRET);
  });
});
