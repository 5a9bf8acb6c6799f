import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { RefreshToken } from '../../src/auth/refresh-token.entity';
import { RefreshTokenFamily } from '../../src/auth/refresh-token-family.entity';
import { User } from '../../src/auth/user.entity';
import { CreateUsers1764200000000 } from '../../src/database/migrations/1764200000000-create-users';
import { diffAgainst, loadEntities } from '../../src/cli/commands/migration-generator';
import { createDataSource, EntityClass } from '../../src/database/data-source';
import { revertLastMigration, runPendingMigrations } from '../../src/database/migrator';
import { MIGRATIONS } from '../../src/database/migrations';
import { POSTGRES_SERVER_URL, testDatabases } from '../support/database';
import { spawnService } from '../support/spawn-service';

/** A database of its own for each test, so migrating up and down never disturbs other suites. */
async function freshDatabaseUrl(kind: 'sqlite' | 'postgres', sqliteUrl: () => string): Promise<string> {
  if (kind === 'sqlite') return sqliteUrl();
  const name = `test_migrations_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new Client({ connectionString: POSTGRES_SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  created.push(name);
  const url = new URL(POSTGRES_SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
const created: string[] = [];

afterAll(async () => {
  if (created.length === 0) return;
  const admin = new Client({ connectionString: POSTGRES_SERVER_URL });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

function dataSourceFor(url: string, entities: EntityClass[] = []): DataSource {
  const database = url.startsWith('sqlite')
    ? { type: 'sqlite' as const, path: url.slice('sqlite:///'.length) }
    : { type: 'postgres' as const, url };
  return createDataSource({ debug: false, database }, entities);
}

describe.each(testDatabases())('migrations on $name', (database) => {
  it('bring an empty database to exactly the schema the entities describe', async () => {
    const url = await freshDatabaseUrl(database.name, database.url);
    const diff = await diffAgainst(dataSourceFor(url, await loadEntities()));
    expect(diff.up).toEqual([]);
  });

  it('revert one by one to an empty schema and apply again', async () => {
    const dataSource = await dataSourceFor(await freshDatabaseUrl(database.name, database.url)).initialize();
    try {
      expect((await runPendingMigrations(dataSource)).map((m) => m.name)).toEqual(
        MIGRATIONS.map((m) => m.name),
      );
      expect(await runPendingMigrations(dataSource)).toEqual([]);
      for (let i = 0; i < MIGRATIONS.length; i++) await revertLastMigration(dataSource);
      const queryRunner = dataSource.createQueryRunner();
      expect(await queryRunner.hasTable('items')).toBe(false);
      await queryRunner.release();
      expect(await runPendingMigrations(dataSource)).toHaveLength(MIGRATIONS.length);
    } finally {
      await dataSource.destroy();
    }
  });

  if (database.name === 'postgres') {
    it('let replicas that start together migrate once, without racing', async () => {
      const url = await freshDatabaseUrl('postgres', database.url);
      const replicas = await Promise.all([1, 2, 3].map(() => dataSourceFor(url).initialize()));
      try {
        const applied = await Promise.all(replicas.map((replica) => runPendingMigrations(replica)));
        expect(applied.map((list) => list.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
      } finally {
        await Promise.all(replicas.map((replica) => replica.destroy()));
      }
    });
  }

  it('give refresh tokens issued before families existed a family record, revoked if any token was', async () => {
    const url = await freshDatabaseUrl(database.name, database.url);
    const upToUsers = MIGRATIONS.findIndex((m) => m.name === CreateUsers1764200000000.name) + 1;
    const before = await new DataSource({
      ...dataSourceFor(url, [RefreshToken, User]).options,
      migrations: MIGRATIONS.slice(0, upToUsers),
    }).initialize();
    const userId = '6f1c2a9e-0000-4000-8000-0000000000aa';
    try {
      await before.runMigrations();
      await before.query(
        before.options.type === 'postgres'
          ? "INSERT INTO users (id, username, password_hash) VALUES ($1, 'old', 'x')"
          : "INSERT INTO users (id, username, password_hash) VALUES (?, 'old', 'x')",
        [userId],
      );
      const tokens = before.getRepository(RefreshToken);
      const row = (jti: string, familyId: string, expiresAt: string, revokedAt: string | null) =>
        tokens.insert({
          jti,
          familyId,
          userId,
          expiresAt: new Date(expiresAt),
          revokedAt: revokedAt && new Date(revokedAt),
        });
      await row('a1', 'fam-a', '2030-01-01T00:00:00Z', null);
      await row('a2', 'fam-a', '2030-01-02T00:00:00Z', '2029-12-31T00:00:00Z');
      await row('b1', 'fam-b', '2030-01-03T00:00:00Z', null);
    } finally {
      await before.destroy();
    }
    const after = await dataSourceFor(url, [RefreshToken, RefreshTokenFamily, User]).initialize();
    try {
      await runPendingMigrations(after);
      const families = await after.getRepository(RefreshTokenFamily).find({ order: { familyId: 'ASC' } });
      expect(
        families.map((f) => [
          f.familyId,
          f.userId,
          f.expiresAt.toISOString(),
          f.revokedAt?.toISOString() ?? null,
        ]),
      ).toEqual([
        ['fam-a', userId, '2030-01-02T00:00:00.000Z', '2029-12-31T00:00:00.000Z'],
        ['fam-b', userId, '2030-01-03T00:00:00.000Z', null],
      ]);
    } finally {
      await after.destroy();
    }
  });

  it('are applied by `cli migrate`, reported by `cli migrate:status` with exit codes for scripts', async () => {
    const url = await freshDatabaseUrl(database.name, database.url);
    const env = { DEBUG: 'true', DATABASE_URL: url };
    const before = await spawnService('cli/cli.ts', env, ['migrate:status']).exited();
    expect(before.code).toBe(2);
    expect(before.stdout).toContain('pending: ');
    const migrate = await spawnService('cli/cli.ts', env, ['migrate']).exited();
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(`applied ${MIGRATIONS.length}`);
    const after = await spawnService('cli/cli.ts', env, ['migrate:status']).exited();
    expect(after.code).toBe(0);
    expect(after.stdout.trim()).toBe('up to date');
  });
});
