import { correlation } from '../platform/correlation';
import { DataSource } from 'typeorm';
import { User } from '../auth/user.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { createDataSource } from '../database/data-source';
import { Item } from '../items/item.entity';
import { ITEM_MASTER } from '../items/item.sync';
import { SyncedUser } from '../users/synced-user.entity';
import { USER_MASTER } from '../users/user-sync';
import { ResolvedMaster } from './master.definition';
import { outboxPartition } from './outbox.table';
import { InvalidReplicaMessageError, ResolvedReplica } from './replica.resolved';
import { OUTBOX_PARTITIONS } from './sync.constants';

function item(overrides: Partial<Item> = {}): Item {
  return Object.assign(new Item(), {
    id: '3f1c8a4e-9b2d-4c61-8e7a-5d0b6f2a9c13',
    name: 'Widget',
    description: '',
    quantity: 3,
    createdAt: new Date('2026-11-20T08:15:30.250Z'),
    updatedAt: new Date('2026-11-25T20:00:00Z'),
    cqrsRevision: 4,
    cqrsUpdated: new Date('2026-11-25T20:00:00.118Z'),
    ...overrides,
  });
}

describe(ResolvedMaster.name, () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await createDataSource({ database: { type: 'sqlite', path: ':memory:' }, debug: false }, [
      Item,
      User,
      RefreshToken,
      SyncedUser,
    ]).initialize();
  });
  afterAll(() => dataSource?.destroy());

  it('sends every column by its column name, in django-cqrs order, dates as Python str()', () => {
    const master = new ResolvedMaster(ITEM_MASTER, dataSource);
    const data = master.serialize(item());
    expect(Object.keys(data)).toEqual([
      'id',
      'cqrs_revision',
      'cqrs_updated',
      'name',
      'description',
      'quantity',
      'created_at',
      'updated_at',
    ]);
    expect(data).toMatchObject({
      cqrs_revision: 4,
      cqrs_updated: '2026-11-25 20:00:00.118000+00:00',
      created_at: '2026-11-20 08:15:30.250000+00:00',
      updated_at: '2026-11-25 20:00:00+00:00',
    });
    expect(master.instancePkOf(item())).toBe('3f1c8a4e-9b2d-4c61-8e7a-5d0b6f2a9c13');
    expect(master.previousData(null, item())).toBeNull();
  });

  it('sends only the listed user fields under their wire names: never the password hash', () => {
    const master = new ResolvedMaster(USER_MASTER, dataSource);
    const user = Object.assign(new User(), {
      id: 'u1',
      username: 'alice',
      passwordHash: 'scrypt$secret',
      isActive: true,
      roles: ['admin'],
      createdAt: new Date('2026-11-25T20:00:00Z'),
      cqrsRevision: 0,
      cqrsUpdated: new Date('2026-11-25T20:00:00Z'),
    });
    const data = master.serialize(user);
    expect(Object.keys(data)).toEqual([
      'id',
      'cqrs_revision',
      'cqrs_updated',
      'username',
      'is_active',
      'roles',
      'date_joined',
    ]);
    expect(JSON.stringify(data)).not.toContain('scrypt');
    expect(master.previousData(null, user)).toEqual({ is_active: null, roles: null });
    expect(master.previousData(user, { ...user, isActive: false })).toEqual({ is_active: true });
    expect(master.previousData(user, user)).toEqual({});
  });

  it('puts a serializer’s output first and appends cqrs_revision and cqrs_updated', () => {
    const master = new ResolvedMaster(
      { ...ITEM_MASTER, serialize: (row) => ({ id: row.id, label: row.name }) },
      dataSource,
    );
    expect(Object.keys(master.serialize(item()))).toEqual(['id', 'label', 'cqrs_revision', 'cqrs_updated']);
  });

  it('refuses a field that is not a column', () => {
    expect(() => new ResolvedMaster({ ...ITEM_MASTER, fields: ['colour' as 'name'] }, dataSource)).toThrow(
      /colour is not a column/,
    );
  });

  it('defaults meta to {} and correlation_id to the one in scope, and calls the functions when given', async () => {
    const plain = new ResolvedMaster(ITEM_MASTER, dataSource);
    expect(plain.meta(item(), 'SAVE')).toEqual({});
    expect(plain.correlationId('SAVE', 'x', null)).toBeNull();
    expect(await correlation.run('req-7f3a', async () => plain.correlationId('SAVE', 'x', null))).toBe(
      'req-7f3a',
    );
    const custom = new ResolvedMaster(
      {
        ...ITEM_MASTER,
        meta: (row, signal) => ({ signal, name: row.name }),
        correlationId: (signal, cqrsId, pk, queue) => `${signal}:${cqrsId}:${pk}:${queue}`,
      },
      dataSource,
    );
    expect(custom.meta(item(), 'DELETE')).toEqual({ signal: 'DELETE', name: 'Widget' });
    expect(custom.correlationId('SYNC', 'abc', 'billing')).toBe('SYNC:item:abc:billing');
  });
});

describe(ResolvedReplica.name, () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await createDataSource({ database: { type: 'sqlite', path: ':memory:' }, debug: false }, [
      SyncedUser,
    ]).initialize();
  });
  afterAll(() => dataSource?.destroy());

  const replica = () =>
    new ResolvedReplica(
      {
        cqrsId: 'user',
        entity: SyncedUser,
        mapping: { id: 'id', username: 'username', isActive: 'is_active', dateJoined: 'date_joined' },
      },
      dataSource,
    );

  it('maps master fields to properties, converting timestamps and numeric pks for text columns', () => {
    const data = {
      id: 42,
      username: 'alice',
      is_active: true,
      date_joined: '2026-11-25 20:00:00.118204+00:00',
      email: 'x',
    };
    expect(replica().pkFrom(data)).toBe('42');
    expect(replica().valuesFrom(data)).toEqual({
      username: 'alice',
      isActive: true,
      dateJoined: new Date('2026-11-25T20:00:00.118Z'),
    });
  });

  it('leaves out an absent field that is nullable or defaulted, and refuses an absent required one', () => {
    expect(replica().valuesFrom({ id: 1, username: 'bob' })).toEqual({ username: 'bob' });
    expect(() => replica().valuesFrom({ id: 1 })).toThrow(InvalidReplicaMessageError);
    expect(() => replica().valuesFrom({ id: 1, username: null })).toThrow(/cannot be null/);
    expect(() => replica().valuesFrom({ id: 1, username: 'x', date_joined: 'soon' })).toThrow(
      /not a timestamp/,
    );
    expect(() => replica().pkFrom({ id: { nested: true } })).toThrow(InvalidReplicaMessageError);
  });

  it('refuses a mapping to a property that is not a column', () => {
    expect(
      () =>
        new ResolvedReplica(
          { cqrsId: 'user', entity: SyncedUser, mapping: { nickname: 'x' } as never },
          dataSource,
        ),
    ).toThrow(/nickname is not a column/);
  });
});

describe(outboxPartition.name, () => {
  it('puts every change of one instance in the same partition, and spreads instances', () => {
    expect(outboxPartition('item', 'a')).toBe(outboxPartition('item', 'a'));
    expect(outboxPartition('item', 42)).toBe(outboxPartition('item', '42'));
    const used = new Set(Array.from({ length: 500 }, (_, n) => outboxPartition('item', `pk-${n}`)));
    expect(used.size).toBe(OUTBOX_PARTITIONS);
    for (const partition of used) expect(partition).toBeLessThan(OUTBOX_PARTITIONS);
  });
});
