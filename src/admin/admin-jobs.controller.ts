import {
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '../http/api-docs';
import type { FastifyReply } from 'fastify';
import { JobDefinition, UnknownJobError } from '../jobs/job-registry';
import { JobRun } from '../jobs/job-run.entity';
import { describeRun } from '../jobs/job-runner.service';
import { nextTicks } from '../jobs/job-ticks';
import { Public } from '../platform/public.decorator';
import { Settings, SETTINGS } from '../settings/settings';
import { AdminErrorFilter } from './admin-error.filter';
import { AdminFeatures } from './admin-features';
import { AdminHttp, AdminRequest } from './admin-http';
import { sendPage } from './admin-page';
import { AdminSessionGuard } from './admin-session.guard';
import { html, SafeHtml } from './html';
import { withNotice } from './layout';

const PATH = '/admin/jobs';
const RUNS_SHOWN = 5;

/**
 * The scheduled jobs: schedule, next run, the last runs with their outcome, and "run now" under
 * the same claim as scheduled runs (JobRunner, as `npm run cli -- jobs:run` uses it).
 */
@ApiExcludeController()
@Public()
@UseGuards(AdminSessionGuard)
@UseFilters(AdminErrorFilter)
@Controller('admin/jobs')
export class AdminJobsController {
  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly http: AdminHttp,
    private readonly features: AdminFeatures,
  ) {}

  @Get()
  async list(@Req() request: AdminRequest, @Res() reply: FastifyReply): Promise<void> {
    const jobs = await Promise.all(
      this.features.jobRegistry
        .list()
        .map(async (job) => ({ job, runs: await this.features.jobHistory.recent(job.name, RUNS_SHOWN) })),
    );
    sendPage(
      this.http,
      request,
      reply,
      { title: 'Jobs', current: PATH, serviceName: this.settings.serviceName },
      (csrf) =>
        html`${this.settings.jobs.enabled ? '' : html`<p>This process schedules no jobs (<code>JOBS_ENABLED=false</code>); they can still run now from here.</p>`}
        ${jobs.map(({ job, runs }) => this.jobSection(job, runs, csrf))}`,
    );
  }

  @Post(':name/run')
  async run(@Param('name') name: string, @Res() reply: FastifyReply): Promise<void> {
    try {
      this.features.jobRegistry.get(name);
    } catch (error) {
      if (error instanceof UnknownJobError) throw new NotFoundException(error.message);
      throw error;
    }
    const result = await this.features.jobRunner.runOnce(name);
    const notice =
      result.status === 'ran' ? describeRun(name, result) : `${name} did not run: ${result.reason}`;
    this.http.redirect(reply, `${withNotice(PATH, notice)}#job-${name}`);
  }

  private jobSection(job: JobDefinition, runs: JobRun[], csrf: SafeHtml): SafeHtml {
    const next =
      this.settings.jobs.enabled && job.isEnabled
        ? nextTicks(job.schedule, job.timeZone, new Date())[0]
        : undefined;
    return html`<section aria-labelledby="job-${job.name}">
      <h2 id="job-${job.name}">${job.name}</h2>
      <p>${job.description}</p>
      <p>
        Schedule <code>${job.schedule}</code> (${job.timeZone}), timeout ${job.timeoutMs / 1000} s, next run
        ${next ? next.toISOString() : 'not scheduled here'}.
      </p>
      <form method="post" action="${PATH}/${job.name}/run">
        ${csrf}<button type="submit">Run ${job.name} now</button>
      </form>
      <table>
        <caption>
          Last runs of ${job.name}
        </caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Outcome</th>
            <th scope="col">Took</th>
            <th scope="col">Trigger</th>
            <th scope="col">Instance</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          ${
            runs.length === 0
              ? html`<tr>
                  <td colspan="6">never run</td>
                </tr>`
              : runs.map(runRow)
          }
        </tbody>
      </table>
    </section>`;
  }
}

function runRow(run: JobRun): SafeHtml {
  const took = run.finishedAt
    ? `${((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(2)} s`
    : '';
  return html`<tr>
    <td>${run.startedAt.toISOString()}</td>
    <td>${run.outcome}</td>
    <td>${took}</td>
    <td>${run.triggeredBy}</td>
    <td>${run.instance}</td>
    <td>${run.error ?? ''}</td>
  </tr>`;
}
