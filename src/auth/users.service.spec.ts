import { ConflictException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CountingHasher, createUser, FAST_SCRYPT } from '../../test/factories/user.factory';
import { createDataSource } from '../database/data-source';
import { runPendingMigrations } from '../database/migrator';
import { PasswordHasher } from './password';
import { RefreshToken } from './refresh-token.entity';
import { User } from './user.entity';
import { UsersService } from './users.service';

describe(UsersService.name, () => {
  let dataSource: DataSource;
  let hasher: CountingHasher;
  let users: UsersService;

  beforeAll(async () => {
    dataSource = await createDataSource({ database: { type: 'sqlite', path: ':memory:' }, debug: false }, [
      User,
      RefreshToken,
    ]).initialize();
    await runPendingMigrations(dataSource);
    hasher = new CountingHasher(FAST_SCRYPT);
    users = new UsersService(dataSource.getRepository(User), hasher);
    await users.warmUp();
  });
  afterAll(() => dataSource?.destroy());

  it('stores a scrypt hash, never the password, and the roles', async () => {
    const created = await createUser(users, { roles: ['admin', 'items:write'] });
    const row = await dataSource.getRepository(User).findOneByOrFail({ id: created.id });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(created.password);
    expect(row.roles).toEqual(['admin', 'items:write']);
    expect(row.isActive).toBe(true);
  });

  it('refuses a duplicate username with 409', async () => {
    const created = await createUser(users);
    await expect(createUser(users, { username: created.username })).rejects.toBeInstanceOf(ConflictException);
  });

  it.each([
    [{ username: 'has space' }, 'username must be'],
    [{ roles: ['Admin'] }, 'role "Admin" must be'],
    [{ password: 'short' }, 'password must be at least 8 characters'],
  ])('validates %j', async (overrides, message) => {
    await expect(createUser(users, overrides)).rejects.toThrow(message);
  });

  it('lists users by username, searching any case with _ taken literally, a page at a time', async () => {
    const tag = `list${Date.now().toString(36)}`;
    for (const name of [`${tag}_b`, `${tag}_a`, `${tag}%c`, `x${tag.toUpperCase()}d`])
      await createUser(users, { username: name.replace('%', '.') });
    const all = await users.list({ search: tag, limit: 10, offset: 0 });
    expect(all.count).toBe(4);
    expect(all.users.map((user) => user.username)).toEqual([
      `${tag}.c`,
      `${tag}_a`,
      `${tag}_b`,
      `x${tag.toUpperCase()}d`,
    ]);
    expect((await users.list({ search: `${tag}_`, limit: 10, offset: 0 })).count).toBe(2);
    const second = await users.list({ search: tag, limit: 2, offset: 2 });
    expect(second.users.map((user) => user.username)).toEqual([`${tag}_b`, `x${tag.toUpperCase()}d`]);
  });

  it('replaces the roles, refusing a badly formed one', async () => {
    const created = await createUser(users, { roles: ['admin'] });
    expect((await users.setRoles(created.id, ['items:write', 'items:write']))?.roles).toEqual([
      'items:write',
    ]);
    await expect(users.setRoles(created.id, ['Not Valid'])).rejects.toThrow('role "Not Valid" must be');
    expect(await users.setRoles('00000000-0000-4000-8000-000000000000', [])).toBeNull();
  });

  describe('authenticate: every outcome costs exactly one key derivation', () => {
    it.each([
      [
        'the right password',
        async (u: { username: string; password: string }) => [u.username, u.password],
        true,
      ],
      ['a wrong password', async (u: { username: string }) => [u.username, 'wrong-password'], false],
      ['an unknown user', async () => ['nobody_here', 'whatever-password'], false],
      ['an invalid username', async () => ['no spaces allowed', 'whatever-password'], false],
    ] as const)('%s', async (_name, credentials, succeeds) => {
      const user = await createUser(users);
      const [username, password] = await credentials(user);
      hasher.derivations = 0;
      const result = await users.authenticate(username, password);
      expect(result !== null).toBe(succeeds);
      expect(hasher.derivations).toBe(1);
    });

    it('an inactive user with the right password', async () => {
      const user = await createUser(users, { isActive: false });
      hasher.derivations = 0;
      await expect(users.authenticate(user.username, user.password)).resolves.toBeNull();
      expect(hasher.derivations).toBe(1);
    });
  });

  it('rehashes a password stored with weaker parameters on the next login', async () => {
    const weak = new UsersService(
      dataSource.getRepository(User),
      new PasswordHasher({ N: 2 ** 9, r: 8, p: 1 }),
    );
    const user = await createUser(weak);
    await expect(users.authenticate(user.username, user.password)).resolves.not.toBeNull();
    const row = await dataSource.getRepository(User).findOneByOrFail({ id: user.id });
    expect(row.passwordHash.startsWith(`scrypt$${FAST_SCRYPT.N}$`)).toBe(true);
  });
});
