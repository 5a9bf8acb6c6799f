import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobContext, ScheduledJob } from '../jobs/scheduled-job.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { SyncCleanup } from './sync-cleanup.service';

/** What `sync:cleanup` does by hand, on a schedule: sync's bookkeeping tables only grow otherwise. */
@Injectable()
export class PruneSyncJob {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @ScheduledJob({
    name: 'prune-sync',
    schedule: '15 4 * * *',
    description:
      'delete sent outbox rows, inbox rows and tombstones older than SYNC_RETENTION (inbox rows and tombstones stay at least SYNC_MESSAGE_TTL + retries)',
  })
  async prune({ signal }: JobContext): Promise<string> {
    const { sync } = this.settings;
    const result = await new SyncCleanup(this.dataSource, sync).prune(sync.retentionSeconds * 1000, {
      // Between chunks: a timeout or shutdown stops the job after the statement in flight.
      onProgress: () => signal.throwIfAborted(),
    });
    const { outbox, inbox, tombstones } = result.deleted;
    const kept =
      result.cutoffs.inbox === null ? ' (inbox and tombstones kept: SYNC_MESSAGE_TTL is none)' : '';
    return `deleted ${outbox} sent outbox row(s), ${inbox} inbox row(s), ${tombstones} tombstone(s)${kept}`;
  }
}
