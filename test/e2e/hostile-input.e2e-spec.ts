import fc from 'fast-check';
import { connect } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { createItem } from '../factories/item.factory';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { createScratchDatabase } from '../support/database';
import { FuzzProbeModule, FuzzReceived } from '../support/fuzz-probe';
import { PrivateVhost } from '../support/private-vhost';
import { requireBroker, sleep, uniqueName, waitFor } from '../support/broker';
import { startTestApp, TestApp } from '../support/test-app';

// Bounded: NUM_RUNS generated inputs per endpoint, a few seconds each.
jest.setTimeout(120_000);

const NUM_RUNS = 100;
const QUEUE = 'fuzz_service';
const describeWithBroker = requireBroker() ? describe : describe.skip;

/** Any JSON scalar a client could send, the awkward ones included. */
const scalar = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', 'a\u0000b', '\ud800', ' ', '0', 'null', '[]', '{}', 'x'.repeat(2000)),
  fc.integer(),
  fc.constantFrom(2 ** 31, -(2 ** 31) - 1, Number.MAX_SAFE_INTEGER, 1e308, -0, 0.5),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(scalar, fc.jsonValue({ maxDepth: 3 }));
/** An object with the endpoint's own field names (so validation runs field by field) and strangers. */
const bodyWith = (...fields: string[]) =>
  fc.oneof(
    fc.record(Object.fromEntries(fields.map((field) => [field, value])), { requiredKeys: [] }),
    fc.dictionary(fc.oneof(fc.constantFrom(...fields, '__proto__', 'constructor'), fc.string()), value),
    fc.jsonValue({ maxDepth: 4 }),
  );

describeWithBroker('hostile input: fuzzed JSON endpoints and bus messages (PostgreSQL, RabbitMQ)', () => {
  const vhost = new PrivateVhost(uniqueName('fuzz'));
  let database: { url: string; drop(): Promise<void> };
  let anonymous: TestApp;
  let writer: TestApp;
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    database = await createScratchDatabase('hostile_input');
    await vhost.create();
    anonymous = await startTestApp(
      { DATABASE_URL: database.url, AMQP_URL: vhost.url(), SERVICE_NAME: QUEUE, BUS_RETRY_DELAYS: 'none' },
      undefined,
      [FuzzProbeModule],
    );
    writer = withBearer(anonymous, await issueAccessToken(anonymous, ['items:write']));
  });

  afterAll(async () => {
    await anonymous?.close();
    await vhost.delete();
    await database.drop();
    process.stdout.write(`hostile input: statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  });

  /** Sends one request and checks it was refused or served, never a server error. */
  async function send(
    app: TestApp,
    method: string,
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ) {
    const response = await app.request(path, {
      method,
      body,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    });
    const text = await response.text();
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status >= 500) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return response.status;
  }

  const json = (body: unknown): string => JSON.stringify(body) ?? 'null';

  it.each<[string, string, string[]]>([
    ['POST /api/token', '/api/token', ['username', 'password']],
    ['POST /api/token/refresh', '/api/token/refresh', ['refresh']],
    ['POST /api/token/verify', '/api/token/verify', ['token']],
  ])('%s: no 5xx for any body', async (_name, path, fields) => {
    await fc.assert(
      fc.asyncProperty(bodyWith(...fields), async (body) => {
        await send(anonymous, 'POST', path, json(body));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('POST /api/items and PATCH /api/items/:id: no 5xx for any body', async () => {
    const item = await createItem(writer);
    await fc.assert(
      fc.asyncProperty(bodyWith('name', 'description', 'quantity', 'id', 'created_at'), async (body) => {
        await send(writer, 'POST', '/api/items', json(body));
        await send(writer, 'PATCH', `/api/items/${item.id}`, json(body));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('GET /api/items: no 5xx for any query', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.oneof(fc.constantFrom('limit', 'offset', 'ordering', 'search'), fc.string({ maxLength: 10 })),
          fc.oneof(
            fc.string({ maxLength: 40 }),
            fc.string({ unit: 'binary', maxLength: 40 }),
            fc.integer().map(String),
          ),
        ),
        async (query) => {
          await send(writer, 'GET', `/api/items?${new URLSearchParams(query).toString()}`);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('GET, PATCH and DELETE /api/items/:id: no 5xx for any id', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 60 }),
          fc.uuid().map(String),
          fc.constant(randomUUID()),
        ),
        async (id) => {
          const path = `/api/items/${encodeURIComponent(id)}`;
          await send(writer, 'GET', path);
          await send(writer, 'PATCH', path, json({ name: 'x' }));
          await send(writer, 'DELETE', path);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('GET /api/me and /api/items: no 5xx for any Authorization header', async () => {
    const visible = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 300,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          visible,
          visible.map((token) => `Bearer ${token}`),
          fc.constant('Bearer a.b.c'),
        ),
        async (authorization) => {
          await send(anonymous, 'GET', '/api/me', undefined, { authorization });
          await send(anonymous, 'GET', '/api/items', undefined, { authorization });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('raw bodies that are not JSON at all are a 4xx on every JSON endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (raw) => {
        for (const path of ['/api/token', '/api/token/refresh', '/api/token/verify', '/api/items'])
          await send(writer, 'POST', path, raw);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('an oversized body is a 413 and 10,000 nested arrays or objects a 400', async () => {
    expect(
      await send(writer, 'POST', '/api/items', json({ name: 'x', description: 'y'.repeat(2 * 1024 * 1024) })),
    ).toBe(413);
    expect(await send(writer, 'POST', '/api/items', '['.repeat(10_000) + ']'.repeat(10_000))).toBe(400);
    expect(await send(writer, 'POST', '/api/items', '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000))).toBe(
      400,
    );
    expect(
      await send(
        anonymous,
        'POST',
        '/api/token',
        '{"username":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}',
      ),
    ).toBe(400);
  });

  it('bus: random bodies, headers and properties are handled or parked, never crash the consumer', async () => {
    const received = anonymous.app.get(FuzzReceived);
    const connection = await connect(vhost.url());
    let published = 0;
    try {
      const channel = await connection.createConfirmChannel();
      const headerName = fc.oneof(
        fc.constantFrom(
          'x-retry-count',
          'x-retry-seal',
          'x-original-routing-key',
          'x-original-exchange',
          'x-source-queue',
          'x-death',
          'x-death-reason',
          'traceparent',
          'tracestate',
        ),
        fc.string({ minLength: 1, maxLength: 20 }),
      );
      // AMQP tables carry 64-bit integers: amqplib itself refuses larger whole numbers.
      const headerValue = fc.oneof(
        fc.string({ maxLength: 60 }),
        fc.integer(),
        fc.boolean(),
        fc.double({ noNaN: true, min: -1e15, max: 1e15 }),
      );
      const body = fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
        fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(json(v))),
        fc.record({ name: value, count: value }, { requiredKeys: [] }).map((v) => Buffer.from(json(v))),
        fc.constant(Buffer.from(json({ name: 'valid', count: 1 }))),
      );
      await fc.assert(
        fc.asyncProperty(
          body,
          fc.dictionary(headerName, headerValue, { maxKeys: 6 }),
          fc.constantFrom('fuzz.a', 'fuzz.b.c', 'fuzz'),
          fc.option(fc.string({ maxLength: 60 }), { nil: undefined }),
          fc.option(fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', ''), {
            nil: undefined,
          }),
          async (content, headers, routingKey, messageId, contentType) => {
            channel.publish('events', routingKey, content, {
              headers,
              messageId,
              correlationId: messageId,
              contentType,
              persistent: true,
            });
            published++;
          },
        ),
        { numRuns: 300 },
      );
      await channel.waitForConfirms();
      // Every message was either taken by the handler or parked: none lost, none stuck.
      await waitFor(
        'every fuzzed message handled or parked',
        async () =>
          received.handled + (await depth(vhost.url(), `dead_letter_${QUEUE}`)) === published ||
          (await sleep(200), false),
        60_000,
      );
      expect(received.handled).toBeGreaterThan(0);
      expect(await depth(vhost.url(), QUEUE)).toBe(0);
      expect((await anonymous.request('/health/live')).status).toBe(200);
      process.stdout.write(
        `hostile input (bus): ${published} published, ${received.handled} handled, ${published - received.handled} parked\n`,
      );
    } finally {
      await connection.close();
    }
  });
});

async function depth(url: string, queue: string): Promise<number> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
