import { CreateItems1764100000000 } from './1764100000000-create-items';
import { CreateUsers1764200000000 } from './1764200000000-create-users';
import { CreateJobRuns1764700000000 } from './1764700000000-create-job-runs';

/**
 * Every migration, oldest first. Listed explicitly (not globbed) so the same list works
 * from src/ under the TypeScript loader, from dist/, and inside Jest.
 */
export const MIGRATIONS = [CreateItems1764100000000, CreateUsers1764200000000, CreateJobRuns1764700000000];
