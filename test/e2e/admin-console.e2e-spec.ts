import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { UsersService } from '../../src/auth/users.service';
import { BusClient } from '../../src/bus/bus.client';
import { ItemsService } from '../../src/items/items.service';
import { AdminBrowser, screenshot, seriousViolations } from '../support/admin-browser';
import { ADMIN_PROBE_TOPIC, AdminProbe, AdminProbeModule } from '../support/admin-probe.module';
import { requireBroker, uniqueName, waitFor } from '../support/broker';
import { requireChromium } from '../support/browser';
import { sqliteDatabase, testDatabases, truncateTables } from '../support/database';
import { FaultProxy } from '../support/fault-proxy';
import { PrivateVhost } from '../support/private-vhost';
import { startTestApp, TestApp } from '../support/test-app';

// A real browser against the real app: starting Chromium and each page's round trips add up.
jest.setTimeout(120_000);

const chromiumPath = requireChromium();
const describeBrowser = chromiumPath ? describe : describe.skip;
const PASSWORD = 'correct horse battery';

afterAll(() => AdminBrowser.shutdown());

/** Clicks a link or a submit button and waits for the page it leads to. */
async function clickAndLoad(target: Locator): Promise<void> {
  const page = target.page();
  await Promise.all([page.waitForEvent('framenavigated'), target.click()]);
  await page.waitForLoadState();
}

function text(target: Locator): Promise<string> {
  return target.innerText().then((value) => value.trim());
}

/**
 * The admin console driven in Chromium. SQLite runs with the in-process bus; PostgreSQL with the
 * shared RabbitMQ (a private vhost, reached through a fault proxy so the test can cut it).
 */
describeBrowser.each(testDatabases().map((database) => [database.name, database] as const))(
  'admin console in Chromium on %s',
  (name, database) => {
    const withBroker = name === 'postgres' && requireBroker();
    const vhost = new PrivateVhost(uniqueName('admin'));
    const proxy = new FaultProxy(5672);
    const suffix = randomBytes(3).toString('hex');
    const admin = `ops-${suffix}`;
    const viewer = `viewer-${suffix}`;
    let app: TestApp;
    let browser: AdminBrowser;
    let page: Page;
    let origin: string;
    let databaseUrl: string;

    beforeAll(async () => {
      databaseUrl = database.url();
      const env: Record<string, string> = {
        DATABASE_URL: databaseUrl,
        ADMIN_ENABLED: 'true',
        BUS_RETRY_DELAYS: 'none',
        SERVICE_NAME: uniqueName('admin-console'),
      };
      if (withBroker) {
        await vhost.create();
        env.AMQP_URL = vhost.url(await proxy.start());
      }
      app = await startTestApp(env, undefined, [AdminProbeModule]);
      const users = app.app.get(UsersService);
      await users.create({ username: admin, password: PASSWORD, roles: ['admin'] });
      await users.create({ username: viewer, password: PASSWORD, roles: ['items:write'] });
      // Secure cookies (DEBUG is off) are kept for http://localhost, a secure context.
      origin = app.baseUrl.replace('127.0.0.1', 'localhost');
      browser = await AdminBrowser.launch(chromiumPath!);
      page = await browser.page();
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await app?.close();
      await proxy.close();
      if (withBroker) await vhost.delete();
      // Login counts are shared by the run's suites on PostgreSQL: leave none behind.
      if (name === 'postgres') await truncateTables(databaseUrl, ['login_attempts']);
    }, 60_000);

    async function logIn(username: string, password = PASSWORD): Promise<void> {
      await page.goto(`${origin}/admin/login`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await clickAndLoad(page.getByRole('button', { name: 'Log in' }));
      await page.waitForLoadState();
    }

    async function expectAccessible(shot: string): Promise<void> {
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `${name}-${shot}`);
    }

    it('refuses a wrong password with /api/token/’s message, and then rate-limits it', async () => {
      await logIn(admin, 'wrong password');
      expect(await text(page.getByRole('alert'))).toBe('No active account found with the given credentials');
      expect(page.url()).toBe(`${origin}/admin/login`);
      await expectAccessible('login-refused');
      // Same limits as /api/token/: 5 attempts per address and username in a minute.
      const target = `guess-${suffix}`;
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        await page.goto(`${origin}/admin/login`);
        await page.getByLabel('Username').fill(target);
        await page.getByLabel('Password').fill('wrong password');
        const [response] = await Promise.all([
          page.waitForResponse((answer) => answer.request().method() === 'POST'),
          page.getByRole('button', { name: 'Log in' }).click(),
        ]);
        statuses.push(response.status());
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect(await text(page.getByRole('alert'))).toContain('too many login attempts');
    });

    it('refuses a user without the admin role', async () => {
      await logIn(viewer);
      expect(await text(page.getByRole('alert'))).toBe('the console is for admin users only');
      const answer = await page.goto(`${origin}/admin/users`);
      expect(answer?.url()).toBe(`${origin}/admin/login`);
    });

    it('logs an admin in, creates a user and deactivates it', async () => {
      await logIn(admin);
      expect(page.url()).toBe(`${origin}/admin/users`);
      expect(await text(page.getByRole('heading', { level: 1 }))).toBe('Users');
      const created = `new-${suffix}`;
      await page.getByLabel('Username', { exact: true }).fill(created);
      await page.getByLabel('Password (8 characters or more)').fill(PASSWORD);
      await page.getByLabel('Roles (comma separated)').fill('items:write');
      await clickAndLoad(page.getByRole('button', { name: 'Create' }));
      expect(await text(page.getByRole('status'))).toBe(`created user ${created}`);
      const row = page.getByRole('row').filter({ hasText: created });
      expect(await text(row.getByRole('cell').nth(1))).toBe('yes');
      await expectAccessible('users');
      await clickAndLoad(row.getByRole('button', { name: `Deactivate ${created}` }));
      expect(await text(page.getByRole('status'))).toBe(`deactivated user ${created}`);
      expect(await text(page.getByRole('row').filter({ hasText: created }).getByRole('cell').nth(1))).toBe(
        'no',
      );
      // The change went through UsersService: the user can no longer log in.
      expect(await app.app.get(UsersService).authenticate(created, PASSWORD)).toBeNull();
    });

    it('refuses a form posted without its CSRF token, or with another browser’s', async () => {
      const withoutToken = await browser.context.request.post(`${origin}/admin/items`, {
        form: { name: 'forged', quantity: '1' },
        maxRedirects: 0,
      });
      expect(withoutToken.status()).toBe(403);
      expect(await withoutToken.text()).toContain('CSRF token');
      const forged = await browser.context.request.post(`${origin}/admin/items`, {
        form: { name: 'forged', quantity: '1', _csrf: 'x'.repeat(43) },
        maxRedirects: 0,
      });
      expect(forged.status()).toBe(403);
      const items = await app.app
        .get(ItemsService)
        .list({ search: 'forged', limit: 10, offset: 0, ordering: 'name' });
      expect(items.count).toBe(0);
    });

    it('edits an item and shows the change', async () => {
      const item = await app.app.get(ItemsService).create({ name: `lamp-${suffix}`, quantity: 2 });
      await page.goto(`${origin}/admin/items?search=${encodeURIComponent(`lamp-${suffix}`)}`);
      await clickAndLoad(page.getByRole('link', { name: `lamp-${suffix}` }));
      await page.getByLabel('Name').fill(`lantern-${suffix}`);
      await page.getByLabel('Quantity').fill('7');
      await clickAndLoad(page.getByRole('button', { name: 'Save' }));
      expect(await text(page.getByRole('status'))).toBe(`saved item lantern-${suffix}`);
      await expectAccessible('item');
      await page.goto(`${origin}/admin/items`);
      const row = page.getByRole('row').filter({ hasText: `lantern-${suffix}` });
      expect(await text(row.getByRole('cell').nth(1))).toBe('7');
      await expectAccessible('items');
      expect(await app.app.get(ItemsService).get(item.id)).toMatchObject({
        name: `lantern-${suffix}`,
        quantity: 7,
      });
    });

    it('shows parked messages with their failure and replays a chosen one, then the oldest', async () => {
      const probe = app.app.get(AdminProbe);
      const bus = app.app.get(BusClient);
      await bus.publishEvent(ADMIN_PROBE_TOPIC, { poison: `${suffix}-first` });
      await bus.publishEvent(ADMIN_PROBE_TOPIC, { poison: `${suffix}-second` });
      const parked = page.getByRole('row').filter({ hasText: ADMIN_PROBE_TOPIC });
      await waitFor('both messages parked and listed', async () => {
        await page.goto(`${origin}/admin/dead-letters`);
        return (await parked.count()) === 2;
      });
      expect(await text(parked.first())).toContain('admin probe refuses this message for now');
      await expectAccessible('dead-letters');
      probe.isAccepting = true;

      // The second one, from its own row: the first stays parked.
      await clickAndLoad(
        parked.filter({ hasText: `${suffix}-second` }).getByRole('link', { name: /^Replay/ }),
      );
      expect(await text(page.getByRole('heading', { level: 1 }))).toBe('Replay this message?');
      await expectAccessible('dead-letter');
      await clickAndLoad(page.getByRole('button', { name: 'Replay this message' }));
      expect(await text(page.getByRole('status'))).toMatch(/^replayed message /);
      await waitFor('the chosen message handled', async () => probe.handled.length === 1);
      expect(probe.handled).toEqual([{ poison: `${suffix}-second` }]);
      expect(await parked.count()).toBe(1);
      expect(await text(parked)).toContain(`${suffix}-first`);

      await clickAndLoad(page.getByRole('button', { name: 'Replay the oldest…' }));
      expect(await text(page.getByRole('heading', { level: 1 }))).toBe('Replay the oldest message?');
      await clickAndLoad(page.getByRole('button', { name: 'Replay the oldest message' }));
      expect(await text(page.getByRole('status'))).toBe('replayed 1 message(s)');
      await waitFor('the oldest message handled', async () => probe.handled.length === 2);
      expect(probe.handled[1]).toEqual({ poison: `${suffix}-first` });
    });

    it('runs a job now and shows its run', async () => {
      await page.goto(`${origin}/admin/jobs`);
      await clickAndLoad(page.getByRole('button', { name: 'Run items-report now' }));
      expect(await text(page.getByRole('status'))).toContain('items-report succeeded');
      const runs = page.getByRole('table', { name: 'Last runs of items-report' });
      expect(await text(runs.getByRole('row').nth(1))).toContain('succeeded');
      expect(await text(runs.getByRole('row').nth(1))).toContain('manual');
      await expectAccessible('jobs');
    });

    // The in-process bus (SQLite) publishes in the same process: there is no broker to cut.
    if (name === 'postgres')
      (withBroker ? it : it.skip)(
        'shows the outbox backlog while the broker is cut, and its drain after',
        async () => {
          const depth = () => page.locator('[data-outbox-depth="item"]').innerText();
          proxy.cut();
          try {
            await app.app.get(ItemsService).create({ name: `offline-${suffix}` });
            await page.goto(`${origin}/admin/sync`);
            await waitFor('a backlog on the page', async () => {
              await page.reload();
              return Number(await depth()) >= 1;
            });
            await expectAccessible('sync-backlog');
          } finally {
            proxy.restore();
          }
          await waitFor(
            'the backlog drained',
            async () => {
              await page.reload();
              return (await depth()) === '0';
            },
            60_000,
          );
        },
      );

    // A replica service of `item` that started after the items above were written has none of them.
    if (name === 'postgres')
      (withBroker ? it : it.skip)('diffs against a replica and repairs it from the page', async () => {
        const replicaQueue = uniqueName('admin-replica');
        const replica = await startTestApp({
          DATABASE_URL: sqliteDatabase().url(),
          AMQP_URL: vhost.url(),
          ITEMS_SYNC: 'replica',
          SERVICE_NAME: replicaQueue,
        });
        try {
          const differences = async () => {
            await page.goto(`${origin}/admin/sync?cqrs_id=item&replica=${replicaQueue}`);
            return Number(await page.locator('#diff-result').getAttribute('data-differences'));
          };
          const before = await differences();
          expect(before).toBeGreaterThan(0);
          expect(await text(page.getByRole('table', { name: /^Differences/ }))).toContain(
            'missing on the replica',
          );
          await expectAccessible('sync-diff');
          await clickAndLoad(page.getByRole('button', { name: `Repair ${before} difference(s)` }));
          expect(await text(page.getByRole('status'))).toBe(
            `repair of item on ${replicaQueue}: queued ${before} SYNC and 0 DELETE`,
          );
          await waitFor('the replica repaired', async () => (await differences()) === 0, 30_000);
        } finally {
          await replica.close();
        }
      });

    it('reads without JavaScript, and logs out', async () => {
      const plain = await AdminBrowser.launch(chromiumPath!, { javaScript: false });
      try {
        const noScript = await plain.page();
        await noScript.goto(`${origin}/admin/login`);
        await noScript.getByLabel('Username').fill(admin);
        await noScript.getByLabel('Password').fill(PASSWORD);
        await clickAndLoad(noScript.getByRole('button', { name: 'Log in' }));
        expect(await text(noScript.getByRole('heading', { level: 1 }))).toBe('Users');
        for (const [link, heading] of [
          ['Items', 'Items'],
          ['Dead letters', 'Dead letters'],
          ['Jobs', 'Jobs'],
          ['Sync', 'Sync'],
        ]) {
          await clickAndLoad(noScript.getByRole('link', { name: link, exact: true }));
          expect(await text(noScript.getByRole('heading', { level: 1 }))).toBe(heading);
        }
      } finally {
        await plain.close();
      }
      await page.goto(`${origin}/admin/sync`);
      await expectAccessible('sync');
      await clickAndLoad(page.getByRole('button', { name: 'Log out' }));
      expect(page.url()).toBe(`${origin}/admin/login`);
      await page.goto(`${origin}/admin/users`);
      expect(page.url()).toBe(`${origin}/admin/login`);
    });
  },
);
