import { Column, Entity, PrimaryColumn } from 'typeorm';
import { SyncedColumns } from '../sync/synced-columns';
import { rolesColumn } from '../auth/user.entity';

/**
 * A read-only copy of a login-service user on a verify-only service (`cqrs_id` `user`). Written
 * only by the replica applier; no password hash ever travels.
 */
@Entity({ name: 'synced_users' })
export class SyncedUser extends SyncedColumns {
  /** Text: a Django login service's integer ids fit as well as this template's UUIDs. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 150 })
  username!: string;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ type: 'varchar', length: 1000, default: '', transformer: rolesColumn })
  roles!: string[];

  @Column({ name: 'date_joined', type: Date, nullable: true })
  dateJoined!: Date | null;
}
