import { createItem } from '../factories/item.factory';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { testDatabases } from '../support/database';
import { startTestApp, TestApp } from '../support/test-app';

/** Input that passed validation and then failed in the database, as a 500. */
describe.each(testDatabases())('items: bad input is a 400 naming the field on $name', (database) => {
  let testApp: TestApp;

  beforeAll(async () => {
    const started = await startTestApp({ DATABASE_URL: database.url() });
    testApp = withBearer(started, await issueAccessToken(started, ['items:write']));
  });
  afterAll(() => testApp.close());

  async function expect400(method: string, path: string, body: unknown, field: string): Promise<void> {
    const response = await testApp.request(path, { method, json: body });
    const answer = (await response.json()) as { message: string };
    expect({ status: response.status, message: answer.message }).toEqual({
      status: 400,
      message: expect.stringContaining(field),
    });
  }

  it.each<[string, Record<string, unknown>, string]>([
    ['null description', { name: 'a', description: null }, 'description'],
    ['null quantity', { name: 'a', quantity: null }, 'quantity'],
    ['null name', { name: null }, 'name'],
    ['quantity over 2^31', { name: 'a', quantity: 2 ** 31 }, 'quantity'],
    ['quantity over the documented maximum', { name: 'a', quantity: 1_000_000_001 }, 'quantity'],
    ['NUL in the name', { name: 'a\u0000b' }, 'name'],
    ['NUL in the description', { name: 'a', description: 'x\u0000' }, 'description'],
  ])('POST with %s', async (_case, body, field) => {
    await expect400('POST', '/api/items', body, field);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['null name', { name: null }, 'name'],
    ['null description', { description: null }, 'description'],
    ['null quantity', { quantity: null }, 'quantity'],
    ['quantity over 2^31', { quantity: 2 ** 31 }, 'quantity'],
  ])('PATCH with %s', async (_case, body, field) => {
    const item = await createItem(testApp);
    await expect400('PATCH', `/api/items/${item.id}`, body, field);
  });

  it.each([
    ['offset past what a database can skip', 'offset=99999999999999999999', 'offset'],
    ['NUL in a search', 'search=a%00b', 'search'],
  ])('GET with %s', async (_case, query, field) => {
    const response = await testApp.request(`/api/items?${query}`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(field);
  });

  it('still takes the largest documented quantity', async () => {
    expect((await createItem(testApp, { quantity: 1_000_000_000 })).quantity).toBe(1_000_000_000);
  });
});
