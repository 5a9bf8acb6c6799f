import { MasterDefinition } from '../sync/master.definition';
import { ReplicaDefinition } from '../sync/replica.definition';
import { Item } from './item.entity';

/**
 * `items` is the data-sync master of `cqrs_id` `item`: every column travels, under its column
 * name (`id`, `cqrs_revision`, `cqrs_updated`, `name`, `description`, `quantity`, `created_at`,
 * `updated_at`), dates in Python `str()` form, as a Django master without a serializer sends them.
 */
export const ITEM_MASTER: MasterDefinition<Item> = { cqrsId: 'item', entity: Item };

/**
 * With `ITEMS_SYNC=replica` the same table is a read-only copy of another service's items: every
 * column is filled from the master's field of the same name, so both tables compare row for row.
 */
export const ITEM_REPLICA: ReplicaDefinition<Item> = { cqrsId: 'item', entity: Item };
