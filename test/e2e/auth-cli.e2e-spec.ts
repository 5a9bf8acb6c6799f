import { execFile, spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { DataSource, QueryRunner } from 'typeorm';
import { PasswordHasher } from '../../src/auth/password';
import { User } from '../../src/auth/user.entity';
import { registerCreateUserCommand } from '../../src/cli/commands/createuser.command';
import { createDataSource } from '../../src/database/data-source';
import { createScratchDatabase, testDatabases } from '../support/database';
import { testSettings } from '../support/test-app';
import { nodeEntry } from '../support/test-build';

const ROOT = resolve(__dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run cli -- …` as a user would, as a separate process. */
function cli(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolvePromise) => {
    const child = execFile(
      process.execPath,
      [...nodeEntry('src/cli/cli.ts'), ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, LOCAL_ENV_FILE: 'none', DEBUG: 'true', LOG_LEVEL: 'error', ...env },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolvePromise({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? '');
  });
}

describe('cli: keygen', () => {
  it('writes a PKCS#8 private key (mode 600) and its SPKI public key, and will not overwrite without --force', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keygen-test-'));
    const first = await cli(['keygen', '--out', dir]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const privatePem = await readFile(join(dir, 'private.pem'), 'utf8');
    const publicPem = await readFile(join(dir, 'public.pem'), 'utf8');
    expect(privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect((await stat(join(dir, 'private.pem'))).mode & 0o777).toBe(0o600);
    const privateKey = createPrivateKey(privatePem);
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBeGreaterThanOrEqual(2048);
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(publicPem);

    const again = await cli(['keygen', '--out', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toEqual([expect.stringContaining('use --force')]);
    expect(await readFile(join(dir, 'private.pem'), 'utf8')).toBe(privatePem);

    expect((await cli(['keygen', '--out', dir, '--force'])).code).toBe(0);
    expect(await readFile(join(dir, 'private.pem'), 'utf8')).not.toBe(privatePem);
  });

  it('refuses fewer than 2048 bits', async () => {
    const run = await cli([
      'keygen',
      '--out',
      await mkdtemp(join(tmpdir(), 'keygen-test-')),
      '--bits',
      '1024',
    ]);
    expect(run.code).not.toBe(0);
  });
});

describe.each(testDatabases())('cli: createuser on $name', (database) => {
  let env: Record<string, string>;
  let databaseUrl: string;
  let scratch: { drop(): Promise<void> } | null = null;
  let reader: DataSource;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'createuser-test-'));
    // Fixed usernames: on PostgreSQL a database of its own, not the run's shared one.
    if (database.name === 'postgres') {
      const created = await createScratchDatabase('createuser');
      scratch = created;
      databaseUrl = created.url;
    } else {
      databaseUrl = database.url();
    }
    env = { DATABASE_URL: databaseUrl, JWT_DEV_KEYS_DIR: join(dir, 'keys') };
    expect((await cli(['migrate'], env)).code).toBe(0);
    reader = await createDataSource(testSettings({ DATABASE_URL: databaseUrl }), [User]).initialize();
  });
  afterAll(async () => {
    await reader?.destroy();
    await scratch?.drop();
  });

  const row = (username: string) => reader.getRepository(User).findOneBy({ username });

  it('reads the password from stdin with --password-stdin and stores a scrypt hash and the roles', async () => {
    const run = await cli(
      ['createuser', 'alice', '--roles', 'admin,items:write', '--password-stdin'],
      env,
      'a-long-password\n',
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^created user alice \(id [0-9a-f-]{36}\) with roles admin, items:write\n$/);
    const stored = (await row('alice'))!;
    expect(stored.roles).toEqual(['admin', 'items:write']);
    await expect(new PasswordHasher().verify('a-long-password', stored.passwordHash)).resolves.toBe(true);
    // Queued for the verify-only services (data sync `user`), without the hash.
    const queued = await reader.query<{ signal_type: string; routing_key: string; payload: string }[]>(
      "SELECT signal_type, routing_key, payload FROM sync_outbox WHERE cqrs_id = 'user'",
    );
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ signal_type: 'SAVE', routing_key: 'user' });
    expect(JSON.parse(queued[0].payload)).toMatchObject({
      instance_data: { username: 'alice', cqrs_revision: 0 },
    });
    expect(queued[0].payload).not.toContain('scrypt');
  });

  it('takes the password from CREATEUSER_PASSWORD', async () => {
    expect((await cli(['createuser', 'bob'], { ...env, CREATEUSER_PASSWORD: 'another-password' })).code).toBe(
      0,
    );
    await expect(
      new PasswordHasher().verify('another-password', (await row('bob'))!.passwordHash),
    ).resolves.toBe(true);
  });

  it('deactivateuser and activateuser flip is_active through the `user` outbox', async () => {
    // Both dialects: no bound parameters (`$1` vs `?`), the user's rows picked out here.
    const events = async () => {
      const { id } = (await row('bob'))!;
      const rows = await reader.query<{ instance_pk: string; payload: string }[]>(
        "SELECT instance_pk, payload FROM sync_outbox WHERE cqrs_id = 'user' ORDER BY id",
      );
      return rows
        .filter((event) => event.instance_pk === id)
        .map((event) => (JSON.parse(event.payload) as { instance_data: object }).instance_data);
    };

    const off = await cli(['deactivateuser', 'bob'], env);
    expect(off).toMatchObject({ code: 0, stderr: '' });
    expect(off.stdout).toMatch(/^deactivated user bob \(id [0-9a-f-]{36}\)\n$/);
    expect((await row('bob'))!.isActive).toBe(false);
    expect((await cli(['activateuser', 'bob'], env)).code).toBe(0);
    expect((await row('bob'))!.isActive).toBe(true);
    // Published by the login service's relay, so the verify-only services refuse, then readmit.
    expect((await events()).slice(-2)).toEqual([
      expect.objectContaining({ is_active: false, cqrs_revision: 1 }),
      expect.objectContaining({ is_active: true, cqrs_revision: 2 }),
    ]);
  });

  it.each([
    [['deactivateuser', 'nobody'], {}, 'error: no user nobody'],
    [
      ['deactivateuser', 'bob'],
      { JWT_SIGN_KEY: '0' },
      'error: this is a verify-only service (JWT_SIGN_KEY=0)',
    ],
    [['createuser', 'alice'], { CREATEUSER_PASSWORD: 'a-long-password' }, 'error: user alice already exists'],
    [
      ['createuser', 'carol'],
      {},
      'error: no password: use --password-stdin or CREATEUSER_PASSWORD, or run in a terminal',
    ],
    [
      ['createuser', 'carol'],
      { CREATEUSER_PASSWORD: 'short' },
      'error: password must be at least 8 characters',
    ],
    [
      ['createuser', 'carol', '--roles', 'Bad Role'],
      { CREATEUSER_PASSWORD: 'a-long-password' },
      'error: role "Bad Role" must be',
    ],
  ])('%j fails with one line and a non-zero exit', async (args, extraEnv, message) => {
    const run = await cli(args, { ...env, ...extraEnv });
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(run.stderr).not.toMatch(/scrypt\$/);
  });

  it('tells the user to migrate first on an empty database', async () => {
    const empty = database.name === 'postgres' ? await createScratchDatabase('createuser_empty') : null;
    const dir = await mkdtemp(join(tmpdir(), 'createuser-test-'));
    await writeFile(join(dir, 'db.sqlite3'), '');
    try {
      const run = await cli(['createuser', 'dave'], {
        DATABASE_URL: empty ? empty.url : `sqlite:///${join(dir, 'db.sqlite3')}`,
        CREATEUSER_PASSWORD: 'a-long-password',
      });
      expect(run.stderr.trim()).toBe(
        'error: the users table does not exist: run `npm run cli -- migrate` first',
      );
    } finally {
      await empty?.drop();
    }
  });

  /** Runs createuser on a real pseudo-terminal (util-linux `script`) and types at the prompts. */
  function typeAtPrompts(username: string, answers: string[]): Promise<{ code: number; output: string }> {
    const command = [process.execPath, ...nodeEntry('src/cli/cli.ts'), 'createuser', username].join(' ');
    return new Promise((resolvePromise) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, LOCAL_ENV_FILE: 'none', DEBUG: 'true', ...env },
      });
      let output = '';
      let prompts = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const seen = (output.match(/Password( \(again\))?: /g) ?? []).length;
        while (prompts < seen && prompts < answers.length) child.stdin.write(`${answers[prompts++]}\r`);
      });
      child.on('exit', (code) => resolvePromise({ code: code ?? 1, output }));
    });
  }

  it('prompts twice on a terminal without echoing the password', async () => {
    const typed = await typeAtPrompts('erin', ['typed-secret-1', 'typed-secret-1']);
    expect(typed.code).toBe(0);
    expect(typed.output).toContain('created user erin');
    expect(typed.output).not.toContain('typed-secret-1');
    await expect(
      new PasswordHasher().verify('typed-secret-1', (await row('erin'))!.passwordHash),
    ).resolves.toBe(true);
  });

  if (database.name === 'postgres') {
    it('gives back every pooled connection it takes before it closes the pool', async () => {
      // destroy() releases what is still taken, so the count is read when destroy() is called.
      const runners: QueryRunner[] = [];
      let takenAtDestroy = -1;
      const createQueryRunner = DataSource.prototype.createQueryRunner;
      const destroy = DataSource.prototype.destroy;
      const spies = [
        jest.spyOn(DataSource.prototype, 'createQueryRunner').mockImplementation(function (
          this: DataSource,
          ...args: Parameters<DataSource['createQueryRunner']>
        ) {
          const runner = createQueryRunner.apply(this, args);
          runners.push(runner);
          return runner;
        }),
        jest.spyOn(DataSource.prototype, 'destroy').mockImplementation(function (this: DataSource) {
          takenAtDestroy = runners.filter((runner) => !runner.isReleased).length;
          return destroy.apply(this);
        }),
        jest.spyOn(console, 'log').mockImplementation(() => undefined),
      ];
      const program = new Command('cli').exitOverride();
      registerCreateUserCommand(program, () => testSettings({ DATABASE_URL: databaseUrl }));
      process.env.CREATEUSER_PASSWORD = 'a-long-password';
      try {
        await program.parseAsync(['node', 'cli', 'createuser', 'gina']);
      } finally {
        delete process.env.CREATEUSER_PASSWORD;
        for (const spy of spies) spy.mockRestore();
      }
      expect(await row('gina')).not.toBeNull();
      expect(runners.length).toBeGreaterThan(0);
      expect(takenAtDestroy).toBe(0);
    });
  }

  it('refuses two different passwords typed at the prompts', async () => {
    const typed = await typeAtPrompts('frank', ['typed-secret-1', 'typed-secret-2']);
    expect(typed.code).not.toBe(0);
    expect(typed.output).toContain('error: the passwords do not match');
    expect(await row('frank')).toBeNull();
  });
});
