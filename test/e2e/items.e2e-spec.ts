import { ItemPage, ItemResponse } from '../../src/items/dto/item.response';
import { buildItem, createItem } from '../factories/item.factory';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { testDatabases, truncateTables } from '../support/database';
import { startTestApp, TestApp } from '../support/test-app';

describe.each(testDatabases())('items API on $name', (database) => {
  let testApp: TestApp;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = database.url();
    const started = await startTestApp({ DATABASE_URL: databaseUrl });
    // Items need an access token, and writes the items:write role (auth's attack suite covers refusals).
    testApp = withBearer(started, await issueAccessToken(started, ['items:write']));
  });
  afterAll(() => testApp.close());
  beforeEach(() => truncateTables(databaseUrl, ['items']));

  it('creates, reads, updates and deletes an item', async () => {
    const created = await createItem(testApp, { name: 'Blue widget', quantity: 3 });
    expect(created).toMatchObject({ name: 'Blue widget', quantity: 3, description: 'made by a test' });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);

    const read = await testApp.request(`/api/items/${created.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(created);

    const patched = await testApp.request(`/api/items/${created.id}`, {
      method: 'PATCH',
      json: { quantity: 7 },
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: created.id, name: 'Blue widget', quantity: 7 });

    const deleted = await testApp.request(`/api/items/${created.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const gone = await testApp.request(`/api/items/${created.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `item ${created.id} not found`,
    });
  });

  it.each([
    [{ ...buildItem(), name: '' }, 'name should not be empty'],
    [{ ...buildItem(), name: 'x'.repeat(201) }, 'name must be shorter than or equal to 200 characters'],
    [{ ...buildItem(), quantity: -1 }, 'quantity must not be less than 0'],
    [{ ...buildItem(), quantity: 1.5 }, 'quantity must be an integer number'],
    [{ ...buildItem(), colour: 'blue' }, 'property colour should not exist'],
    [{ description: 'no name' }, 'name must be a string'],
  ])('refuses an invalid body with 400 naming the field (%j)', async (body, message) => {
    const response = await testApp.request('/api/items', { method: 'POST', json: body });
    expect(response.status).toBe(400);
    const error = (await response.json()) as { statusCode: number; error: string; message: string };
    expect(error.statusCode).toBe(400);
    expect(error.error).toBe('Bad Request');
    expect(error.message).toContain(message);
  });

  it('stamps created_at and updated_at with the current UTC time, whatever the session time zone', async () => {
    const before = Date.now();
    const created = await createItem(testApp);
    const after = Date.now();
    for (const stamp of [created.created_at, created.updated_at]) {
      expect(stamp).toMatch(/Z$/);
      expect(Date.parse(stamp)).toBeGreaterThanOrEqual(before - 2000);
      expect(Date.parse(stamp)).toBeLessThanOrEqual(after + 2000);
    }
    const read = (await (await testApp.request(`/api/items/${created.id}`)).json()) as { created_at: string };
    expect(read.created_at).toBe(created.created_at);
  });

  it('refuses a malformed id with 400 and an unknown one with 404', async () => {
    expect((await testApp.request('/api/items/not-a-uuid')).status).toBe(400);
    expect((await testApp.request('/api/items/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const patch = await testApp.request('/api/items/00000000-0000-4000-8000-000000000000', {
      method: 'PATCH',
      json: { quantity: 1 },
    });
    expect(patch.status).toBe(404);
  });

  it('pages through items in a stable order without repeats or gaps', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    for (const name of names) await createItem(testApp, { name });

    const seen: string[] = [];
    for (let offset = 0; offset < 9; offset += 3) {
      const response = await testApp.request(`/api/items?limit=3&offset=${offset}&ordering=name`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as ItemPage;
      expect(page).toMatchObject({ count: 7, limit: 3, offset });
      seen.push(...page.results.map((item) => item.name));
    }
    expect(seen).toEqual(names);

    const descending = (await (
      await testApp.request('/api/items?ordering=-name&limit=2')
    ).json()) as ItemPage;
    expect(descending.results.map((item) => item.name)).toEqual(['item-06', 'item-05']);
  });

  it('searches names case-insensitively and treats % and _ literally', async () => {
    // Ordered alike by code point (SQLite, PostgreSQL's C collation) and by a natural-language
    // collation (the e2e database is en-US): "Red" before "green" holds only in the first.
    await createItem(testApp, { name: 'Green Apple' });
    await createItem(testApp, { name: 'red apple' });
    await createItem(testApp, { name: '100% juice' });
    await createItem(testApp, { name: 'pear_tree' });

    const search = async (text: string) => {
      const response = await testApp.request(`/api/items?search=${encodeURIComponent(text)}&ordering=name`);
      return ((await response.json()) as ItemPage).results.map((item: ItemResponse) => item.name);
    };
    expect(await search('APPLE')).toEqual(['Green Apple', 'red apple']);
    expect(await search('%')).toEqual(['100% juice']);
    expect(await search('e_r')).toEqual([]); // as a wildcard it would match "pear"
    expect(await search('r_t')).toEqual(['pear_tree']);
  });

  it.each(['limit=0', 'limit=101', 'offset=-1', 'ordering=price', 'limit=abc'])(
    'refuses the query %s with 400',
    async (query) => {
      const response = await testApp.request(`/api/items?${query}`);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(/limit|offset|ordering/);
    },
  );
});
