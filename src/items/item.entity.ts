import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { SyncedColumns } from '../sync/synced-columns';

/** A data-sync master (`cqrs_id` `item`): write it through `MasterRepository<Item>`. */
@Entity({ name: 'items' })
export class Item extends SyncedColumns {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('IDX_items_name')
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description!: string;

  @Column({ type: 'integer', default: 0 })
  quantity!: number;

  @Index('IDX_items_created_at')
  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at' })
  updatedAt!: Date;
}
