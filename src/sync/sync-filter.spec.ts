import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Item } from '../items/item.entity';
import { parseSyncFilter, SyncFilterError } from './sync-filter';
import { SyncedColumns } from './synced-columns';

/** The filters run against a real (in-memory SQLite) table, so what they select is what a resync sends. */
describe(parseSyncFilter.name, () => {
  let dataSource: DataSource;
  const ids = Array.from({ length: 6 }, () => randomUUID());

  beforeAll(async () => {
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Item],
      synchronize: true,
    }).initialize();
    await dataSource.getRepository(Item).insert(
      ids.map((id, n) => ({
        id,
        name: n % 2 === 0 ? 'even' : 'odd',
        quantity: n,
        cqrsRevision: n,
        createdAt: new Date(Date.UTC(2026, 0, n + 1)),
      })),
    );
  });
  afterAll(() => dataSource.destroy());

  /** What `find` selects, checked against the QueryBuilder `where` SyncSender and the diff use. */
  const select = async (filter: string): Promise<number[]> => {
    const where = parseSyncFilter(filter, dataSource.getMetadata(Item));
    const found = await dataSource
      .getRepository(Item)
      .find({ where: where as SyncedColumns, order: { quantity: 'ASC' } });
    const built = await dataSource
      .createQueryBuilder(Item, 'row')
      .where(where)
      .orderBy('row.quantity', 'ASC')
      .getMany();
    expect(built.map((row) => row.id)).toEqual(found.map((row) => row.id));
    return found.map((row) => row.quantity);
  };

  it.each([
    ['{}', [0, 1, 2, 3, 4, 5]],
    ['{"quantity": 2}', [2]],
    ['{"quantity__exact": 2}', [2]],
    ['{"name": "odd"}', [1, 3, 5]],
    ['{"quantity__in": [1, 4, 40]}', [1, 4]],
    ['{"quantity__gte": 2, "quantity__lte": 4}', [2, 3, 4]],
    ['{"quantity__gt": 2, "quantity__lt": 4}', [3]],
    ['{"quantity__gte": "3"}', [3, 4, 5]],
    ['{"cqrs_revision__gte": 5}', [5]],
    ['{"created_at__lt": "2026-01-03"}', [0, 1]],
    ['{"created_at__gte": "2026-01-05 00:00:00+00:00"}', [4, 5]],
    ['{"createdAt__gte": "2026-01-05T00:00:00Z"}', [4, 5]],
    ['{"name": "odd", "quantity__in": [1, 2, 3]}', [1, 3]],
  ])('%s selects quantities %j', async (filter, quantities) => {
    expect(await select(filter)).toEqual(quantities);
  });

  it('takes id__in and pk__in with the pks as Django writes them', async () => {
    expect(await select(JSON.stringify({ id__in: [ids[1], ids[4]] }))).toEqual([1, 4]);
    expect(await select(JSON.stringify({ pk__in: [ids[2]] }))).toEqual([2]);
    expect(await select(JSON.stringify({ pk: ids[3] }))).toEqual([3]);
  });

  it.each([
    ['{"id__in": [1', '--filter must be JSON, e.g. {"id__in": [1, 2]}'],
    ['"x"', '--filter must be a JSON object of lookups, e.g. {"id__in": [1, 2]}'],
    [
      '{"owner": 1}',
      '--filter: unknown field "owner" (fields: pk, cqrs_revision, cqrs_updated, id, name, description, quantity, created_at, updated_at)',
    ],
    [
      '{"name__startswith": "a"}',
      '--filter key "name__startswith": lookup "startswith" is not supported (use exact, in, gt, gte, lt or lte)',
    ],
    ['{"id__in": 3}', '--filter key "id__in" needs a JSON array'],
    ['{"quantity__in": [1, "x"]}', '--filter key "quantity__in" needs a number, got "x"'],
    [
      '{"created_at__gte": "yesterday"}',
      '--filter key "created_at__gte" needs a timestamp such as "2026-11-25 20:00:00+00:00", got "yesterday"',
    ],
    ['{"name": {"a": 1}}', '--filter key "name" needs a string, got {"a":1}'],
  ])('refuses %s with one line', (filter, message) => {
    const parse = () => parseSyncFilter(filter, dataSource.getMetadata(Item));
    expect(parse).toThrow(SyncFilterError);
    expect(parse).toThrow(message);
  });
});
