import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';

/** Roles are short names (`admin`, `items:write`); a comma list keeps one portable column. */
export const rolesColumn: ValueTransformer = {
  to: (roles: readonly string[]) => roles.join(','),
  // TypeORM also passes values it already holds (after an insert) through `from`.
  from: (value: unknown): string[] => {
    if (Array.isArray(value)) return value.map(String);
    return typeof value === 'string' ? value.split(',').filter((role) => role !== '') : [];
  },
};

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('UQ_users_username', { unique: true })
  @Column({ type: 'varchar', length: 150 })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash!: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ type: 'varchar', length: 1000, default: '', transformer: rolesColumn })
  roles!: string[];

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  // Data-sync columns (the users feature masters this table as `cqrs_id` `user`); spelled out
  // rather than inherited, because auth sits below the sync module.
  @Column({ name: 'cqrs_revision', type: 'integer', default: 0 })
  cqrsRevision!: number;

  @Column({ name: 'cqrs_updated', default: () => 'CURRENT_TIMESTAMP' })
  cqrsUpdated!: Date;
}
