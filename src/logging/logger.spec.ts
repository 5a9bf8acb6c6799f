import { spawn, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { createRootLogger, PinoLoggerService } from './logger';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

const settings = { debug: false, logLevel: 'info' as const, serviceName: 'billing' };

describe(createRootLogger.name, () => {
  it('writes one JSON line per entry with a level name, an ISO time and the service', () => {
    const { stream, lines } = capture();
    createRootLogger(settings, stream).info({ orderId: 7 }, 'order paid');
    expect(lines()).toEqual([
      {
        level: 'info',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        service: 'billing',
        orderId: 7,
        msg: 'order paid',
      },
    ]);
  });

  it('never writes an Authorization header, a cookie or a password', () => {
    const { stream, lines } = capture();
    createRootLogger(settings, stream).info(
      {
        req: { headers: { authorization: 'Bearer secret-token', cookie: 'sid=1' } },
        body: { password: 'hunter2' },
      },
      'login',
    );
    const written = JSON.stringify(lines());
    expect(written).not.toContain('secret-token');
    expect(written).not.toContain('sid=1');
    expect(written).not.toContain('hunter2');
  });

  it('censors a password at the top of a line, one object down and in child bindings, and keeps the rest', () => {
    class LoginForm {
      constructor(
        readonly username: string,
        readonly password: string,
      ) {}
    }
    const failure = Object.assign(new Error('login refused'), { password: 'hunter4' });
    const { stream, lines } = capture();
    const logger = createRootLogger(settings, stream);
    logger.info({ password: 'hunter1', form: new LoginForm('alice', 'hunter2') }, 'login');
    logger.child({ user: { name: 'bob', password: 'hunter3' } }).warn({ err: failure }, 'refused');
    logger.info({ user: { name: 'carol' }, attempts: 3 }, 'untouched');
    const written = JSON.stringify(lines());
    expect(written).not.toMatch(/hunter/);
    const [login, refused, untouched] = lines();
    expect(login).toMatchObject({
      password: '[redacted]',
      form: { username: 'alice', password: '[redacted]' },
    });
    expect(refused).toMatchObject({
      user: { name: 'bob', password: '[redacted]' },
      err: { type: 'Error', message: 'login refused', password: '[redacted]' },
    });
    expect((refused.err as { stack: string }).stack).toContain('Error: login refused');
    expect(untouched).toMatchObject({ user: { name: 'carol' }, attempts: 3, msg: 'untouched' });
  });

  it('gives every line the time it was written, to the millisecond', async () => {
    const { stream, lines } = capture();
    const logger = createRootLogger(settings, stream);
    const before = Date.now();
    logger.info('first');
    await new Promise((resolve) => setTimeout(resolve, 20));
    logger.info('second');
    const after = Date.now();
    const [first, second] = lines().map((line) => Date.parse(line.time as string));
    expect(first).toBeGreaterThanOrEqual(before);
    expect(second).toBeGreaterThanOrEqual(first + 10);
    expect(second).toBeLessThanOrEqual(after);
  });

  it("never writes a failed query's parameters or the row PostgreSQL quotes back when DEBUG is off", () => {
    const queryError = Object.assign(
      new Error('null value in column "username" violates not-null constraint'),
      {
        query: 'UPDATE "users" SET "password_hash" = $1 WHERE "id" = $2',
        parameters: ['scrypt$32768$8$3$salt$secret-hash-1', 'id-1'],
        detail: 'Failing row contains (id-1, null, scrypt$32768$8$3$salt$secret-hash-2).',
        driverError: { detail: 'Failing row contains (scrypt$32768$8$3$salt$secret-hash-3).' },
      },
    );
    const production = capture();
    new PinoLoggerService(createRootLogger(settings, production.stream)).error({ err: queryError }, 'HTTP');
    const written = JSON.stringify(production.lines());
    expect(written).toContain('violates not-null constraint');
    expect(written).toContain('UPDATE \\"users\\"');
    expect(written).not.toContain('secret-hash');

    const debug = capture();
    new PinoLoggerService(createRootLogger({ ...settings, debug: true }, debug.stream)).error(
      { err: queryError },
      'HTTP',
    );
    expect(JSON.stringify(debug.lines())).toContain('secret-hash-1');
  });

  it('drops entries below LOG_LEVEL', () => {
    const { stream, lines } = capture();
    const logger = createRootLogger({ ...settings, logLevel: 'warn' }, stream);
    logger.info('hidden');
    logger.warn('shown');
    expect(lines().map((line) => line.msg)).toEqual(['shown']);
  });
});

describe(PinoLoggerService.name, () => {
  it("keeps Nest's context and an error's stack as fields", () => {
    const { stream, lines } = capture();
    const nest = new PinoLoggerService(createRootLogger(settings, stream));
    nest.log('mapped a route', 'RouterExplorer');
    nest.error(new Error('boom'), 'Bus');
    const [info, error] = lines();
    expect(info).toMatchObject({ level: 'info', context: 'RouterExplorer', msg: 'mapped a route' });
    expect(error).toMatchObject({ level: 'error', context: 'Bus', msg: 'boom', err: { message: 'boom' } });
    expect((error.err as { stack: string }).stack).toContain('Error: boom');
  });

  it("keeps the message of a Nest Logger's `(fields, message)` call beside its fields and context", () => {
    const { stream, lines } = capture();
    Logger.overrideLogger(new PinoLoggerService(createRootLogger(settings, stream)));
    try {
      new Logger('HTTP').error({ reqId: 'r-1', url: '/api/items' }, 'unhandled error');
      new Logger('HTTP').warn({ reqId: 'r-2' }, 'database unavailable: answered 503');
      new Logger('HTTP').log({ reqId: 'r-3' });
    } finally {
      Logger.overrideLogger(true);
    }
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'error', context: 'HTTP', reqId: 'r-1', msg: 'unhandled error' }),
      expect.objectContaining({
        level: 'warn',
        context: 'HTTP',
        reqId: 'r-2',
        msg: 'database unavailable: answered 503',
      }),
      expect.objectContaining({ level: 'info', context: 'HTTP', reqId: 'r-3' }),
    ]);
  });
});

describe('stdout, written in blocks', () => {
  // The lines a process logs right before it exits (a settings error, a crash, process.exit in a
  // CLI) must still reach the log collector: pino flushes its buffer on exit.
  const exitingScript = (exit: string): string => `
    const { createRootLogger } = require(${JSON.stringify(require.resolve('./logger'))});
    const logger = createRootLogger({ debug: false, logLevel: 'info', serviceName: 'billing' });
    for (let i = 0; i < 2000; i++) logger.info({ i }, 'line');
    ${exit}
  `;

  it.each([
    ['process.exit', 'process.exit(3)'],
    ['an uncaught exception', 'setImmediate(() => { throw new Error("boom"); })'],
  ])('loses no line when the process ends by %s', (_how, exit) => {
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', exitingScript(exit)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
    });
    const lines = result.stdout.split('\n').filter((line) => line.startsWith('{'));
    expect(result.status).not.toBe(0);
    expect(lines).toHaveLength(2000);
    expect((JSON.parse(lines[1999]) as { i: number }).i).toBe(1999);
  });

  it('loses no line when the process ends because it has nothing left to do', () => {
    const script = exitingScript('').replace('i < 2000', 'i < 3');
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('{'))).toHaveLength(3);
  });

  it('writes a line within a fraction of a second while the process keeps running and is idle', async () => {
    // One short line stays below the block size: the periodic flush must write it anyway.
    const script = `${exitingScript('').replace('i < 2000', 'i < 1')}; setInterval(() => undefined, 1000);`;
    const child = spawn(process.execPath, ['-r', '@swc-node/register', '-e', script], { stdio: 'pipe' });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no line within 10 s')), 10_000);
        child.stdout.on('data', (chunk: Buffer) => {
          clearTimeout(timer);
          resolve(chunk.toString());
        });
      });
      expect(JSON.parse(line)).toMatchObject({ i: 0, msg: 'line' });
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
