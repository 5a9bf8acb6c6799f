import { Controller, Get, Inject, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../platform/public.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { OutboxRelay } from '../sync/outbox-relay.service';
import { OutboxBacklog } from '../sync/sync.metrics';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminFeatures } from './admin-features';
import { AdminHttp, AdminRequest } from './admin-http';
import { sendPage } from './admin-page';
import { AdminSessionGuard } from './admin-session.guard';
import { html } from './html';

const PATH = '/admin/sync';

/**
 * Data sync per `cqrs_id`: for what this service masters, the outbox backlog (depth and age of
 * the oldest unpublished change: it grows while the broker is unreachable) and the relay's last
 * lag; for what it replicates, the last revision applied. The same figures as /metrics.
 */
@ApiExcludeController()
@Public()
@UseGuards(AdminSessionGuard)
@UseFilters(AdminErrorFilter)
@Controller('admin/sync')
export class AdminSyncController {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly http: AdminHttp,
    private readonly features: AdminFeatures,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  async show(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    let backlog: OutboxBacklog[] = [];
    let error: string | undefined;
    try {
      backlog = await OutboxRelay.readBacklog(this.dataSource);
    } catch (failure) {
      error = `the outbox cannot be read: ${(failure as Error).message.split('\n')[0]}`;
    }
    const masters = this.features.syncRegistry.masterIds.sort().map((cqrsId) => {
      const pending = backlog.find((row) => row.cqrsId === cqrsId);
      const published = this.features.syncMetrics.lastPublished(cqrsId);
      return html`<tr>
        <th scope="row"><code>${cqrsId}</code></th>
        <td data-outbox-depth="${cqrsId}">${pending?.depth ?? 0}</td>
        <td>${pending ? `${pending.oldestAgeSeconds.toFixed(1)} s` : '-'}</td>
        <td>
          ${published ? `${(published.lagSeconds ?? 0).toFixed(3)} s at ${published.at.toISOString()}` : 'nothing published since start'}
        </td>
      </tr>`;
    });
    const replicas = this.features.syncRegistry.replicaIds.sort().map((cqrsId) => {
      const applied = this.features.syncMetrics.lastApplied(cqrsId);
      return html`<tr>
        <th scope="row"><code>${cqrsId}</code></th>
        <td>
          ${applied ? `${applied.revision ?? '?'} at ${applied.at.toISOString()}` : 'nothing applied since start'}
        </td>
      </tr>`;
    });
    sendPage(
      this.http,
      request,
      reply,
      { title: 'Sync', current: PATH, serviceName: this.settings.serviceName, error },
      () =>
        html` <h2>Masters (outbox and relay)</h2>
          <table>
            <caption>
              Changes waiting to be published, per cqrs_id
            </caption>
            <thead>
              <tr>
                <th scope="col">cqrs_id</th>
                <th scope="col">Outbox depth</th>
                <th scope="col">Oldest waiting</th>
                <th scope="col">Last relay lag</th>
              </tr>
            </thead>
            <tbody>
              ${
                masters.length
                  ? masters
                  : html`<tr>
                      <td colspan="4">this service masters nothing</td>
                    </tr>`
              }
            </tbody>
          </table>
          <h2>Replicas</h2>
          <table>
            <caption>
              Last revision applied, per cqrs_id
            </caption>
            <thead>
              <tr>
                <th scope="col">cqrs_id</th>
                <th scope="col">Last applied revision</th>
              </tr>
            </thead>
            <tbody>
              ${
                replicas.length
                  ? replicas
                  : html`<tr>
                      <td colspan="2">this service replicates nothing</td>
                    </tr>`
              }
            </tbody>
          </table>
          <p>
            A diff against a replica and its repair run from the command line:
            <code>npm run cli -- sync:diff &lt;cqrs_id&gt; --replica &lt;queue&gt;</code> and
            <code>sync:repair</code> (see the README).
          </p>`,
    );
  }
}
