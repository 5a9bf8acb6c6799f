import { runCli } from '../../src/cli/cli';
import { Item } from '../../src/items/item.entity';
import { HookLog, ItemCopy, itemCopyReplica } from './sync-testbed';

/**
 * `npm run cli` as a team's own CLI entry would extend it: one more master (items, under the
 * cqrs_id in TEST_SYNC_CQRS_ID) and its replica (the tests' ItemCopy). Each test run gets a
 * cqrs_id of its own, so runs sharing the broker never see each other's rows.
 */
const cqrsId = process.env.TEST_SYNC_CQRS_ID;
if (!cqrsId) throw new Error('TEST_SYNC_CQRS_ID is not set');

void runCli(process.argv.slice(2), {
  sync: {
    entities: [ItemCopy],
    register: (registry) => {
      registry.addMaster({ cqrsId, entity: Item });
      registry.addReplica({ ...itemCopyReplica(new HookLog()), cqrsId });
    },
  },
}).then((code) => process.exit(code));
