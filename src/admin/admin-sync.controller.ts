import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiExcludeController } from '../http/api-docs';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../platform/public.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { OutboxRelay } from '../sync/outbox-relay.service';
import { BusReplicaRevisions } from '../sync/replica-revisions.bus';
import { differenceCount, SyncDiff, SyncDiffReport } from '../sync/sync-diff.service';
import { SyncRepair } from '../sync/sync-repair.service';
import { SyncSender } from '../sync/sync-sender.service';
import { OutboxBacklog } from '../sync/sync.metrics';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminFeatures } from './admin-features';
import { AdminHttp, AdminRequest, field } from './admin-http';
import { sendPage } from './admin-page';
import { AdminSessionGuard } from './admin-session.guard';
import { html, SafeHtml } from './html';
import { withNotice } from './layout';

const PATH = '/admin/sync';
/** Differences listed on the page at most (the counts are always whole; the CLI lists them all). */
const DIFFERENCES_SHOWN = 50;
const QUEUE_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;

interface DiffRequest {
  readonly cqrsId: string;
  readonly replica: string;
}

/**
 * Data sync per `cqrs_id`: for what this service masters, the outbox backlog (depth and age of
 * the oldest unpublished change: it grows while the broker is unreachable) and the relay's last
 * lag; for what it replicates, the last revision applied (the same figures as /metrics); and
 * `sync:diff`/`sync:repair` against one replica, asked over the bus.
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
    const query = request.query as Record<string, unknown>;
    const diffRequest = this.diffRequestOf(textOf(query.cqrs_id), textOf(query.replica));
    let report: SyncDiffReport | null = null;
    let diffError: string | undefined;
    if (diffRequest) {
      try {
        report = await this.compare(diffRequest);
      } catch (failure) {
        diffError = `the diff failed: ${(failure as Error).message.split('\n')[0]}`;
      }
    }
    let backlog: OutboxBacklog[] = [];
    let error: string | undefined;
    try {
      backlog = await OutboxRelay.readBacklog(this.dataSource);
    } catch (failure) {
      error = `the outbox cannot be read: ${(failure as Error).message.split('\n')[0]}`;
    }
    error = [error, diffError].filter(Boolean).join('; ') || undefined;
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
      (csrf) =>
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
          ${this.diffSection(diffRequest, report, csrf)}`,
    );
  }
  /** Re-runs the diff (nothing is kept between requests) and queues what it found to that replica. */
  @Post('repair')
  async repair(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const form = this.http.form(request);
    const diffRequest = this.diffRequestOf(field(form, 'cqrs_id'), field(form, 'replica'));
    if (!diffRequest)
      throw new BadRequestException('choose a cqrs_id this service masters and a replica queue');
    const report = await this.compare(diffRequest);
    const registry = this.features.syncRegistry;
    const result = await new SyncRepair(registry, new SyncSender(registry)).repair(
      report,
      diffRequest.replica,
    );
    const notice =
      `repair of ${diffRequest.cqrsId} on ${diffRequest.replica}: queued ${result.synced} SYNC and ${result.deleted} DELETE` +
      (result.blocked.length ? `, ${result.blocked.length} blocked by the replica's tombstones` : '');
    const query = new URLSearchParams({ cqrs_id: diffRequest.cqrsId, replica: diffRequest.replica });
    this.http.redirect(reply, withNotice(`${PATH}?${query.toString()}`, notice));
  }

  private diffRequestOf(cqrsId: string, replica: string): DiffRequest | null {
    if (cqrsId === '' && replica === '') return null;
    if (!this.features.syncRegistry.masterIds.includes(cqrsId))
      throw new BadRequestException(`this service is not the master of cqrs_id "${cqrsId}"`);
    if (!QUEUE_PATTERN.test(replica)) throw new BadRequestException('the replica queue must be a queue name');
    return { cqrsId, replica };
  }

  /** The same comparison as `sync:diff <cqrs_id> --replica <queue>`, over the bus. */
  private compare({ cqrsId, replica }: DiffRequest): Promise<SyncDiffReport> {
    const source = new BusReplicaRevisions(this.features.bus, replica);
    return new SyncDiff(this.features.syncRegistry).compare(cqrsId, source);
  }

  private diffSection(
    diffRequest: DiffRequest | null,
    report: SyncDiffReport | null,
    csrf: SafeHtml,
  ): SafeHtml {
    const masters = this.features.syncRegistry.masterIds.sort();
    const form = html`<form method="get" action="${PATH}">
      <fieldset>
        <legend>Compare with a replica</legend>
        <label for="diff-cqrs-id">cqrs_id</label>
        <select id="diff-cqrs-id" name="cqrs_id">
          ${masters.map(
            (cqrsId) =>
              html`<option${cqrsId === diffRequest?.cqrsId ? html` selected` : ''}>${cqrsId}</option>`,
          )}
        </select>
        <label for="diff-replica">Replica queue (its SERVICE_NAME)</label>
        <input id="diff-replica" name="replica" required value="${diffRequest?.replica ?? ''}" />
        <button type="submit">Compare</button>
      </fieldset>
    </form>`;
    const heading = html`<h2>Diff against a replica</h2>`;
    if (masters.length === 0)
      return html`${heading}
        <p>Nothing to compare: this service masters nothing.</p>`;
    if (!report || !diffRequest) return html`${heading}${form}`;
    const rows = [
      ...report.missing.map(
        (row) =>
          html`<tr>
            <td>${String(row.pk)}</td>
            <td>missing on the replica</td>
            <td>${row.masterRevision}</td>
            <td>${row.replicaTombstone === null ? '-' : `deleted at ${row.replicaTombstone}`}</td>
          </tr>`,
      ),
      ...report.revisionDiffers.map(
        (row) =>
          html`<tr>
            <td>${String(row.pk)}</td>
            <td>another revision</td>
            <td>${row.masterRevision}</td>
            <td>${row.replicaRevision}</td>
          </tr>`,
      ),
      ...report.extra.map(
        (row) =>
          html`<tr>
            <td>${String(row.pk)}</td>
            <td>only on the replica</td>
            <td>-</td>
            <td>${row.replicaRevision}</td>
          </tr>`,
      ),
    ];
    const count = differenceCount(report);
    return html`${heading}${form}
      <p id="diff-result" data-differences="${count}">
        ${report.masterRows} master rows and ${report.replicaRows} replica rows of
        <code>${report.cqrsId}</code> compared with ${report.replica}:
        <strong>${count} difference(s)</strong> (${report.missing.length} missing on the replica,
        ${report.revisionDiffers.length} at another revision, ${report.extra.length} only on the replica).
      </p>
      ${
        count === 0
          ? ''
          : html`<table>
                <caption>
                  Differences${count > DIFFERENCES_SHOWN ? ` (the first ${DIFFERENCES_SHOWN})` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">pk</th>
                    <th scope="col">difference</th>
                    <th scope="col">master revision</th>
                    <th scope="col">replica revision</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.slice(0, DIFFERENCES_SHOWN)}
                </tbody>
              </table>
              <form method="post" action="${PATH}/repair">
                ${csrf}<input type="hidden" name="cqrs_id" value="${report.cqrsId}" /><input
                  type="hidden"
                  name="replica"
                  value="${diffRequest.replica}"
                />
                <p>
                  Repair re-sends the master's state of these rows to <code>${diffRequest.replica}</code> only
                  (SYNC, or DELETE for rows the master no longer has), through the outbox.
                </p>
                <button type="submit">Repair ${count} difference(s)</button>
              </form>`
      }`;
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
