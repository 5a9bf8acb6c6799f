import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { JobContext, ScheduledJob } from '../jobs/scheduled-job.decorator';
import { Item } from './item.entity';

/**
 * The example job: a team's jobs live in its feature module, as providers with `@ScheduledJob`
 * methods. It runs once per tick across all replicas; the string it returns goes to the log
 * and to `jobs:run`'s output.
 */
@Injectable()
export class ItemsReportJob {
  constructor(@InjectRepository(Item) private readonly items: Repository<Item>) {}

  @ScheduledJob({
    name: 'items-report',
    schedule: '0 6 * * *',
    timeoutSeconds: 60,
    description: 'log how many items there are and how many were added in the last day (example)',
  })
  async report({ signal }: JobContext): Promise<string> {
    const total = await this.items.count();
    signal.throwIfAborted(); // between steps: a timed-out or interrupted run stops here
    const dayAgo = new Date(Date.now() - 86_400_000);
    const added = await this.items.countBy({ createdAt: MoreThan(dayAgo) });
    return `${total} item(s), ${added} added in the last 24h`;
  }
}
