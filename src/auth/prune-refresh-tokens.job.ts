import { Inject, Injectable } from '@nestjs/common';
import { JobContext, ScheduledJob } from '../jobs/scheduled-job.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { RefreshTokensService } from './refresh-tokens.service';

const BATCH = 1000;

/** Without it, a user's expired refresh-token rows go only at that user's next login. */
@Injectable()
export class PruneRefreshTokensJob {
  constructor(
    private readonly refreshTokens: RefreshTokensService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  @ScheduledJob({
    name: 'prune-refresh-tokens',
    schedule: '0 * * * *',
    description: 'delete refresh-token rows whose token has expired (used ones included)',
  })
  async prune({ signal }: JobContext): Promise<string> {
    // A token within the leeway past its expiry still verifies, so its row must still be there.
    const cutoff = new Date(Date.now() - this.settings.auth.leewaySeconds * 1000);
    let deleted = 0;
    for (;;) {
      signal.throwIfAborted();
      const batch = await this.refreshTokens.deleteExpired(cutoff, BATCH);
      deleted += batch;
      if (batch < BATCH) break;
    }
    return `deleted ${deleted} expired refresh token(s)`;
  }
}
