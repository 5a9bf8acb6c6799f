import { ensureBrokerStarted, requireBroker, sleep } from '../support/broker';
import { brokerOutageMode, SystemService, TwoServices } from './two-services';

/** The whole scenario stays under 3 minutes; each step has its own bound below. */
jest.setTimeout(170_000);

const describeSystem = requireBroker() ? describe : describe.skip;

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  service: SystemService,
  path: string,
  options: { method?: string; token?: string; body?: unknown } = {},
): Promise<Answer> {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** `probe` until `isDone(value)`; on timeout the error names what was awaited and the last value seen. */
async function waitUntil<T>(
  what: string,
  probe: () => Promise<T>,
  isDone: (value: T) => boolean,
  timeoutMs: number,
): Promise<{ value: T; elapsedMs: number }> {
  const started = Date.now();
  let last: T | string = 'nothing yet';
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await probe();
      if (isDone(value)) return { value, elapsedMs: Date.now() - started };
      last = value;
    } catch (error) {
      last = `error: ${(error as Error).message}`;
    }
    await sleep(50);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

/** Items A's replica and B's master hold, counted over HTTP. */
async function itemCount(service: SystemService, token: string): Promise<number> {
  const page = await call(service, '/api/items?limit=1', { token });
  if (page.status !== 200) throw new Error(`GET /api/items on ${service.role}: ${page.status}`);
  return page.body.count as number;
}

function log(line: string): void {
  process.stdout.write(`  ${line}\n`);
}

/**
 * The template as a system: two services from this code, as separate processes on real
 * PostgreSQL databases and the real RabbitMQ (see TwoServices). Each step builds on the last and
 * is checked over HTTP, or with the real CLI where the product's answer is a CLI.
 */
describeSystem('system: a login service (A) and a verify-only items service (B)', () => {
  const system = new TwoServices();
  const outage = brokerOutageMode();
  const password = 'a-long-system-test-password';
  const username = 'system-alice';
  const startedAt = Date.now();
  let userId = '';
  let access = '';

  /** Runs a step; a failure names the step and carries both services' last output. */
  async function step(name: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      const cause = error as Error;
      cause.message = `${name} failed: ${cause.message}\n${system.outputTails()}`;
      throw cause;
    }
  }

  async function logIn(): Promise<string> {
    const answer = await call(system.login, '/api/token/', { method: 'POST', body: { username, password } });
    if (answer.status !== 200) throw new Error(`login on A: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body.access as string;
  }

  beforeAll(async () => {
    await step('start-up', async () => {
      await system.start();
      log(`both services ready after ${Date.now() - startedAt} ms (broker outage: ${outage})`);
    });
  }, 150_000);

  afterAll(async () => {
    try {
      await system.close();
    } finally {
      // Whatever happened in a restart, the shared broker must be running for everyone else.
      if (outage === 'restart') await ensureBrokerStarted();
    }
    log(`whole scenario: ${Date.now() - startedAt} ms`);
  }, 60_000);

  it('1. a user created on A with the CLI `createuser` appears in B’s users replica', () =>
    step('step 1 (user replicated to B)', async () => {
      const created = await system.cli(
        system.login,
        ['createuser', username, '--roles', 'items:write', '--password-stdin'],
        `${password}\n`,
      );
      expect(created).toMatchObject({ code: 0, stderr: '' });
      userId = /\(id ([0-9a-f-]{36})\)/.exec(created.stdout)?.[1] ?? '';
      expect(userId).not.toBe('');

      const { value: rows, elapsedMs } = await waitUntil(
        `user ${username} in B's synced_users`,
        () =>
          system.query<{ username: string; is_active: boolean; roles: string }>(
            system.items,
            'SELECT username, is_active, roles FROM synced_users WHERE id = $1',
            [userId],
          ),
        (found) => found.length === 1,
        15_000,
      );
      expect(rows[0]).toMatchObject({ username, is_active: true });
      expect(rows[0].roles).toContain('items:write');
      log(`user on A → B's replica: ${elapsedMs} ms`);
    }));

  it('2. a token from A’s /api/token/ opens B’s protected routes', () =>
    step('step 2 (A’s token on B)', async () => {
      expect((await call(system.items, '/api/me')).status).toBe(401);
      // Token paths and the JWKS belong to the login service only.
      expect(
        (await call(system.items, '/api/token/', { method: 'POST', body: { username, password } })).status,
      ).toBe(404);

      access = await logIn();
      expect(await call(system.items, '/api/me', { token: access })).toMatchObject({
        status: 200,
        body: { user_id: userId, username, roles: ['items:write'] },
      });
      expect((await call(system.items, '/api/items', { token: access })).status).toBe(200);
      const created = await call(system.items, '/api/items', {
        method: 'POST',
        token: access,
        body: { name: 'system: first item', quantity: 1 },
      });
      expect(created.status).toBe(201);
    }));

  it('3. deactivating the user on A reaches B, which refuses the token (401) within 10 s', () =>
    step('step 3 (deactivation reaches B)', async () => {
      const deactivated = await system.cli(system.login, ['deactivateuser', username]);
      expect(deactivated).toMatchObject({ code: 0, stderr: '' });

      const { value: refused, elapsedMs } = await waitUntil(
        'B to refuse the deactivated user’s token',
        () => call(system.items, '/api/me', { token: access }),
        (answer) => answer.status === 401,
        10_000,
      );
      expect(refused.body).toMatchObject({ statusCode: 401, message: 'token revoked' });
      expect((await call(system.items, '/api/items', { token: access })).status).toBe(401);
      // A stops new logins at once.
      const login = await call(system.login, '/api/token/', { method: 'POST', body: { username, password } });
      expect(login.status).toBe(401);
      log(`deactivateuser on A exited → 401 on B: ${elapsedMs} ms`);

      // Activated again, the user is readmitted on B (the next steps write with it).
      expect(await system.cli(system.login, ['activateuser', username])).toMatchObject({ code: 0 });
      access = await logIn();
      await waitUntil(
        'B to readmit the user',
        () => call(system.items, '/api/me', { token: access }),
        (answer) => answer.status === 200,
        10_000,
      );
    }));

  it('4. item changes on B (create, update, delete) reach A’s read-only replica', () =>
    step('step 4 (items from B to A)', async () => {
      const write = (method: string, path: string, body?: unknown) =>
        call(system.items, path, { method, token: access, body });
      const kept = await write('POST', '/api/items', { name: 'system: kept', quantity: 2 });
      const dropped = await write('POST', '/api/items', { name: 'system: dropped' });
      expect([kept.status, dropped.status]).toEqual([201, 201]);
      const keptId = kept.body.id as string;
      const droppedId = dropped.body.id as string;
      expect(
        (await write('PATCH', `/api/items/${keptId}`, { quantity: 7, name: 'system: kept v2' })).status,
      ).toBe(200);
      expect((await write('DELETE', `/api/items/${droppedId}`)).status).toBe(204);

      const { elapsedMs } = await waitUntil(
        'A’s replica to show the update and the delete',
        async () => [
          await call(system.login, `/api/items/${keptId}`, { token: access }),
          await call(system.login, `/api/items/${droppedId}`, { token: access }),
        ],
        ([keptOnA, droppedOnA]) => keptOnA.body.quantity === 7 && droppedOnA.status === 404,
        15_000,
      );
      const onA = await call(system.login, `/api/items/${keptId}`, { token: access });
      const onB = await call(system.items, `/api/items/${keptId}`, { token: access });
      expect(onA).toEqual(onB);
      expect(onA.body).toMatchObject({ name: 'system: kept v2', quantity: 7 });
      log(`item changes on B → A's replica: ${elapsedMs} ms`);

      // The replica is read-only: items change only on their master.
      const refused = await call(system.login, '/api/items', {
        method: 'POST',
        token: access,
        body: { name: 'system: not here' },
      });
      expect(refused.status).toBe(405);
    }));

  it(`5. a broker outage (${outage}) while 200 items are written on B loses nothing; sync:diff reports 0 differences`, () =>
    step('step 5 (broker outage)', async () => {
      const created: string[] = [];
      let writes = 0;
      /** Items `from`..`to` created 4 at a time; every 10th then updated; every 25th deletes an older one. */
      const writeItems = async (from: number, to: number): Promise<void> => {
        let next = from;
        const worker = async () => {
          for (let i = next++; i < to; i = next++) {
            const answer = await call(system.items, '/api/items', {
              method: 'POST',
              token: access,
              body: { name: `system: bulk ${i}`, quantity: i },
            });
            if (answer.status !== 201) throw new Error(`POST /api/items on B (${i}): ${answer.status}`);
            const id = answer.body.id as string;
            created.push(id);
            writes++;
            if (i % 10 === 9) {
              const patched = await call(system.items, `/api/items/${id}`, {
                method: 'PATCH',
                token: access,
                body: { quantity: 1000 + i },
              });
              if (patched.status !== 200) throw new Error(`PATCH on B (${i}): ${patched.status}`);
              writes++;
            }
            if (i % 25 === 24) {
              const removed = await call(system.items, `/api/items/${created[created.length - 20]}`, {
                method: 'DELETE',
                token: access,
              });
              if (removed.status !== 204) throw new Error(`DELETE on B (${i}): ${removed.status}`);
              writes++;
            }
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
      };
      const backlog = async () =>
        Number(
          (
            await system.query<{ n: string }>(
              system.items,
              'SELECT COUNT(*) AS n FROM sync_outbox WHERE sent_at IS NULL',
            )
          )[0].n,
        );

      await writeItems(0, 60);
      const outageStarted = Date.now();
      const broker = await system.startOutage(outage);
      let backlogDuringOutage = 0;
      try {
        // B keeps taking writes: they wait in its outbox; so does a user created on A meanwhile.
        const [, second] = await Promise.all([
          writeItems(60, 140),
          system.cli(system.login, ['createuser', 'system-bob', '--password-stdin'], `${password}\n`),
        ]);
        expect(second).toMatchObject({ code: 0, stderr: '' });
        backlogDuringOutage = await backlog();
      } finally {
        await broker.end();
      }
      log(
        `broker away for ${Date.now() - outageStarted} ms; B's outbox held ${backlogDuringOutage} unsent changes`,
      );
      expect(backlogDuringOutage).toBeGreaterThan(0);
      await writeItems(140, 200);
      expect(writes).toBe(200 + 20 + 8);

      const countOnB = await itemCount(system.items, access);
      const { elapsedMs } = await waitUntil(
        `A’s replica to hold B’s ${countOnB} items, B’s outbox to drain and B to hold both users`,
        async () => ({
          onA: await itemCount(system.login, access),
          unsent: await backlog(),
          usersOnB: Number(
            (await system.query<{ n: string }>(system.items, 'SELECT COUNT(*) AS n FROM synced_users'))[0].n,
          ),
        }),
        ({ onA, unsent, usersOnB }) => onA === countOnB && unsent === 0 && usersOnB === 2,
        60_000,
      );
      log(`after the broker came back, A caught up in ${elapsedMs} ms (${countOnB} items)`);

      // The real CLI, run where each master runs, asks the replica service over the bus.
      const syncDiff = async (master: typeof system.items, cqrsId: string, replica: typeof system.items) => {
        const run = await system.cli(master, [
          'sync:diff',
          cqrsId,
          '--replica',
          replica.env.SERVICE_NAME,
          '--json',
        ]);
        expect(run).toMatchObject({ code: 0 });
        return JSON.parse(run.stdout) as unknown;
      };
      expect(await syncDiff(system.items, 'item', system.login)).toMatchObject({
        masterRows: countOnB,
        replicaRows: countOnB,
        counts: { total: 0 },
      });
      expect(await syncDiff(system.login, 'user', system.items)).toMatchObject({
        masterRows: 2,
        replicaRows: 2,
        counts: { total: 0 },
      });
    }));
});
