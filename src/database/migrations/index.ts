import { CreateItems1764100000000 } from './1764100000000-create-items';
import { CreateUsers1764200000000 } from './1764200000000-create-users';
import { CreateSyncTables1764300000000 } from './1764300000000-create-sync-tables';
import { AddSyncColumns1764300000001 } from './1764300000001-add-sync-columns';
import { CreateLoginAttempts1764600000000 } from './1764600000000-create-login-attempts';
import { CreateRefreshTokenFamilies1764610000000 } from './1764610000000-create-refresh-token-families';
import { CreateJobRuns1764700000000 } from './1764700000000-create-job-runs';
import { IndexRefreshTokenExpiry1764710000000 } from './1764710000000-index-refresh-token-expiry';
import { NotifyOutboxAfterCommit1764800000000 } from './1764800000000-notify-outbox-after-commit';
import { CreateBusDeliveries1764900000000 } from './1764900000000-create-bus-deliveries';
import { AddOutboxTraceContext1764950000000 } from './1764950000000-add-outbox-trace-context';

/**
 * Every migration, oldest first. Listed explicitly (not globbed) so the same list works
 * from src/ under the TypeScript loader, from dist/, and inside Jest.
 */
export const MIGRATIONS = [
  CreateItems1764100000000,
  CreateUsers1764200000000,
  CreateSyncTables1764300000000,
  AddSyncColumns1764300000001,
  CreateLoginAttempts1764600000000,
  CreateRefreshTokenFamilies1764610000000,
  CreateJobRuns1764700000000,
  IndexRefreshTokenExpiry1764710000000,
  NotifyOutboxAfterCommit1764800000000,
  CreateBusDeliveries1764900000000,
  AddOutboxTraceContext1764950000000,
];
