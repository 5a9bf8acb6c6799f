import { FeatureNames } from './feature-names';
import { FeatureOptions } from './feature-source.templates';

/** The feature's migration and tests, in the shape of the items ones. */

export function migrationClassName(n: FeatureNames, timestamp: number): string {
  return `Create${n.pascalPlural}${timestamp}`;
}

export function migrationFile(n: FeatureNames, timestamp: number, { isSyncMaster }: FeatureOptions): string {
  const className = migrationClassName(n, timestamp);
  const syncColumns = isSyncMaster
    ? `
          { name: 'cqrs_revision', type: 'integer', default: 0 },
          // What TypeORM makes of SyncedColumns' CURRENT_TIMESTAMP default on each database.
          { name: 'cqrs_updated', type: type.timestamp, default: isPostgres ? 'now()' : 'CURRENT_TIMESTAMP' },`
    : '';
  return `import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { portableTypes } from './portable-types';

/** The table of src/${n.kebabPlural}/ on SQLite and PostgreSQL (\`generate feature ${n.kebab}\`). */
export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = portableTypes(queryRunner);
${isSyncMaster ? "    const isPostgres = queryRunner.connection.options.type === 'postgres';\n" : ''}    await queryRunner.createTable(
      new Table({
        name: '${n.table}',
        columns: [
          { name: 'id', type: type.uuid, isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'varchar', length: '2000', default: "''" },
          { name: 'created_at', type: type.timestamp, default: type.now },
          { name: 'updated_at', type: type.timestamp, default: type.now },${syncColumns}
        ],
      }),
    );
    await queryRunner.createIndex('${n.table}', new TableIndex({ name: 'IDX_${n.table}_name', columnNames: ['name'] }));
    await queryRunner.createIndex('${n.table}', new TableIndex({ name: 'IDX_${n.table}_created_at', columnNames: ['created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('${n.table}');
  }
}
`;
}

export function serviceSpecFile(n: FeatureNames, { isSyncMaster }: FeatureOptions): string {
  const service = `${n.pascalPlural}Service`;
  const construct = isSyncMaster
    ? `    const registry = new SyncRegistry(dataSource, new SyncTransactions(dataSource));
    service = new ${service}(dataSource.getRepository(${n.pascal}), registry.addMaster(${n.constant}_MASTER));`
    : `    service = new ${service}(dataSource.getRepository(${n.pascal}));`;
  const outboxTest = isSyncMaster
    ? `

  it('queues a SAVE per write and a DELETE for the replicas, in the same transaction as the change', async () => {
    const created = await service.create({ name: 'synced' });
    await service.update(created.id, { description: 'changed' });
    await service.remove(created.id);
    const queued = await dataSource
      .createQueryBuilder()
      .select('outbox.signal_type', 'signal')
      .from('sync_outbox', 'outbox')
      .where('outbox.cqrs_id = :cqrsId AND outbox.instance_pk = :pk', { cqrsId: '${n.snake}', pk: created.id })
      .orderBy('outbox.id')
      .getRawMany<{ signal: string }>();
    expect(queued.map((row) => row.signal)).toEqual(['SAVE', 'SAVE', 'DELETE']);
  });`
    : '';
  return `import { NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createDataSource } from '../database/data-source';
import { runPendingMigrations } from '../database/migrator';
${
  isSyncMaster
    ? "import { SyncRegistry } from '../sync/sync.registry';\nimport { SyncTransactions } from '../sync/sync-transactions';\n"
    : ''
}import { ${n.pascal} } from './${n.kebab}.entity';
${isSyncMaster ? `import { ${n.constant}_MASTER } from './${n.kebab}.sync';\n` : ''}import { ${service} } from './${n.kebabPlural}.service';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

// A real SQLite database with the real migrations; the e2e spec covers PostgreSQL over HTTP.
describe(${service}.name, () => {
  let dataSource: DataSource;
  let service: ${service};

  beforeAll(async () => {
    dataSource = await createDataSource({ database: { type: 'sqlite', path: ':memory:' }, debug: false }, [
      ${n.pascal},
    ]).initialize();
    await runPendingMigrations(dataSource);
${construct}
  });
  afterAll(() => dataSource?.destroy());
  beforeEach(() => dataSource.getRepository(${n.pascal}).clear());

  it('creates with an empty description by default and reads back what it returned', async () => {
    const created = await service.create({ name: 'first' });
    expect(created).toMatchObject({ name: 'first', description: '' });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await service.get(created.id)).toEqual(created);
  });

  it('changes only the fields an update names', async () => {
    const created = await service.create({ name: 'before', description: 'kept' });
    expect(await service.update(created.id, { name: 'after' })).toMatchObject({
      id: created.id,
      name: 'after',
      description: 'kept',
    });
  });

  it('deletes, and then the ${n.words} is not found', async () => {
    const created = await service.create({ name: 'short-lived' });
    await service.remove(created.id);
    await expect(service.get(created.id)).rejects.toThrow(\`${n.words} \${created.id} not found\`);
  });

  it('throws NotFoundException for an unknown id on read, update and delete', async () => {
    await expect(service.get(UNKNOWN_ID)).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.update(UNKNOWN_ID, { name: 'x' })).rejects.toBeInstanceOf(NotFoundException);
    await expect(service.remove(UNKNOWN_ID)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('lists a page in the requested order with the total count', async () => {
    for (const name of ['c', 'a', 'b']) await service.create({ name });
    const page = await service.list({ limit: 2, offset: 0, ordering: 'name' });
    expect(page.count).toBe(3);
    expect(page.results.map((row) => row.name)).toEqual(['a', 'b']);
    const rest = await service.list({ limit: 2, offset: 2, ordering: 'name' });
    expect(rest.results.map((row) => row.name)).toEqual(['c']);
    const descending = await service.list({ limit: 10, offset: 0, ordering: '-name' });
    expect(descending.results.map((row) => row.name)).toEqual(['c', 'b', 'a']);
  });${outboxTest}
});
`;
}

export function e2eSpecFile(n: FeatureNames, { isSyncMaster }: FeatureOptions): string {
  const route = `/api/${n.kebabPlural}`;
  const outboxTest = isSyncMaster
    ? `

  it('queues each change for the replicas as cqrs_id ${n.snake}, revision by revision', async () => {
    const created = await create({ name: 'synced' });
    await writer.request(\`${route}/\${created.id}\`, { method: 'PATCH', json: { name: 'synced again' } });
    const queued = await writer.app
      .get(DataSource)
      .createQueryBuilder()
      .select('outbox.signal_type', 'signal')
      .addSelect('outbox.payload', 'payload')
      .from('sync_outbox', 'outbox')
      .where('outbox.cqrs_id = :cqrsId AND outbox.instance_pk = :pk', { cqrsId: '${n.snake}', pk: created.id })
      .orderBy('outbox.id')
      .getRawMany<{ signal: string; payload: string }>();
    expect(queued.map((row) => row.signal)).toEqual(['SAVE', 'SAVE']);
    const revisions = queued.map(
      (row) => (JSON.parse(row.payload) as { instance_data: { cqrs_revision: number } }).instance_data.cqrs_revision,
    );
    expect(revisions).toEqual([0, 1]);
  });`
    : '';
  return `${isSyncMaster ? "import { DataSource } from 'typeorm';\n" : ''}import { ${n.pascal}Page, ${n.pascal}Response } from '../../src/${n.kebabPlural}/dto/${n.kebab}.response';
import { issueAccessToken, withBearer } from '../factories/token.factory';
import { testDatabases, truncateTables } from '../support/database';
import { startTestApp, TestApp } from '../support/test-app';

describe.each(testDatabases())('${n.kebabPlural} API on $name', (database) => {
  let anonymous: TestApp;
  let reader: TestApp;
  let writer: TestApp;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = database.url();
    anonymous = await startTestApp({ DATABASE_URL: databaseUrl });
    reader = withBearer(anonymous, await issueAccessToken(anonymous, []));
    writer = withBearer(anonymous, await issueAccessToken(anonymous, ['${n.kebabPlural}:write']));
  });
  afterAll(() => anonymous.close());
  beforeEach(() => truncateTables(databaseUrl, ['${n.table}']));

  async function create(body: Record<string, unknown>): Promise<${n.pascal}Response> {
    const response = await writer.request('${route}', { method: 'POST', json: body });
    expect(response.status).toBe(201);
    return (await response.json()) as ${n.pascal}Response;
  }

  it('creates, reads, updates and deletes', async () => {
    const created = await create({ name: 'First', description: 'made by a test' });
    expect(created).toMatchObject({ name: 'First', description: 'made by a test' });

    const read = await reader.request(\`${route}/\${created.id}\`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(created);

    const patched = await writer.request(\`${route}/\${created.id}\`, { method: 'PATCH', json: { name: 'Second' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: created.id, name: 'Second', description: 'made by a test' });

    expect((await writer.request(\`${route}/\${created.id}\`, { method: 'DELETE' })).status).toBe(204);
    const gone = await reader.request(\`${route}/\${created.id}\`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: \`${n.words} \${created.id} not found\`,
    });
  });

  it('needs a token to read and admin or ${n.kebabPlural}:write to write', async () => {
    expect((await anonymous.request('${route}')).status).toBe(401);
    expect((await reader.request('${route}')).status).toBe(200);
    const refused = await reader.request('${route}', { method: 'POST', json: { name: 'x' } });
    expect(refused.status).toBe(403);
  });

  it.each([
    [{ name: '' }, 'name should not be empty'],
    [{ name: 'x'.repeat(201) }, 'name must be shorter than or equal to 200 characters'],
    [{ name: 'ok', description: null }, 'description must be a string'],
    [{ name: 'ok', colour: 'blue' }, 'property colour should not exist'],
    [{ description: 'no name' }, 'name must be a string'],
  ])('refuses an invalid body with 400 naming the field (%j)', async (body, message) => {
    const response = await writer.request('${route}', { method: 'POST', json: body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(message);
  });

  it('refuses a malformed id with 400 and an unknown one with 404', async () => {
    expect((await reader.request('${route}/not-a-uuid')).status).toBe(400);
    expect((await reader.request('${route}/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('pages through in a stable order without repeats or gaps', async () => {
    const names = Array.from({ length: 5 }, (_, i) => \`${n.kebab}-\${i}\`);
    for (const name of names) await create({ name });
    const seen: string[] = [];
    for (let offset = 0; offset < 6; offset += 2) {
      const response = await reader.request(\`${route}?limit=2&offset=\${offset}&ordering=name\`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as ${n.pascal}Page;
      expect(page).toMatchObject({ count: 5, limit: 2, offset });
      seen.push(...page.results.map((row) => row.name));
    }
    expect(seen).toEqual(names);
    expect((await reader.request('${route}?limit=0')).status).toBe(400);
  });

  it('is in the OpenAPI document under the tag ${n.kebabPlural}', async () => {
    const document = (await (await anonymous.request('/docs-json')).json()) as {
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    expect(document.paths['${route}'].post.tags).toEqual(['${n.kebabPlural}']);
    expect(Object.keys(document.paths['${route}/{id}']).sort()).toEqual(['delete', 'get', 'patch']);
  });${outboxTest}
});
`;
}
