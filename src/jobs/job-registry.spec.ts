import { Injectable, Scope, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { loadSettings } from '../settings/load-settings';
import { SettingsError } from '../settings/settings-error';
import { SettingsModule } from '../settings/settings.module';
import { JobRegistry } from './job-registry';
import { ScheduledJob } from './scheduled-job.decorator';

@Injectable()
class ReportJobs {
  calls = 0;

  @ScheduledJob({ name: 'daily-report', schedule: '0 6 * * *', timeoutSeconds: 60, description: 'reports' })
  async report(): Promise<string> {
    this.calls += 1;
    return 'reported';
  }

  @ScheduledJob({ name: 'cleanup', schedule: '@hourly' })
  async cleanup(): Promise<void> {}
}

async function registryWith(providers: Type[], env: Record<string, string> = {}): Promise<JobRegistry> {
  const settings = loadSettings({ env: { DEBUG: 'true', ...env }, localEnvFile: null });
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule, SettingsModule.forRoot(settings)],
    providers: [JobRegistry, ...providers],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(JobRegistry);
}

async function startupErrorOf(providers: Type[], env: Record<string, string> = {}): Promise<Error> {
  return registryWith(providers, env).then(
    () => {
      throw new Error('expected the start-up to fail');
    },
    (error: Error) => error,
  );
}

describe(JobRegistry.name, () => {
  it('finds @ScheduledJob methods with their defaults, and runs them on their instance', async () => {
    const registry = await registryWith([ReportJobs]);
    expect(
      registry.list().map(({ name, schedule, isEnabled, timeoutMs, description }) => ({
        name,
        schedule,
        isEnabled,
        timeoutMs,
        description,
      })),
    ).toEqual([
      { name: 'cleanup', schedule: '@hourly', isEnabled: true, timeoutMs: 300_000, description: '' },
      {
        name: 'daily-report',
        schedule: '0 6 * * *',
        isEnabled: true,
        timeoutMs: 60_000,
        description: 'reports',
      },
    ]);
    const signal = new AbortController().signal;
    await expect(registry.get('daily-report').run({ signal, scheduledAt: null, runId: 'r' })).resolves.toBe(
      'reported',
    );
  });

  it('applies JOB_<NAME>_SCHEDULE, _ENABLED and _TIMEOUT', async () => {
    const registry = await registryWith([ReportJobs], {
      JOB_DAILY_REPORT_SCHEDULE: '30 7 * * 1-5',
      JOB_DAILY_REPORT_TIMEOUT: '15m',
      JOB_CLEANUP_ENABLED: 'false',
    });
    expect(registry.get('daily-report')).toMatchObject({
      schedule: '30 7 * * 1-5',
      timeoutMs: 900_000,
      isEnabled: true,
    });
    expect(registry.get('cleanup').isEnabled).toBe(false);
  });

  it('refuses a setting that names no job, naming the variable', async () => {
    const error = await startupErrorOf([ReportJobs], { JOB_DAILY_REPROT_ENABLED: 'false' });
    expect(error).toBeInstanceOf(SettingsError);
    expect(error.message).toBe(
      'JOB_DAILY_REPROT_ENABLED names no job "daily-reprot"; the jobs are: cleanup, daily-report',
    );
  });

  it('names the known jobs when asked for an unknown one', async () => {
    const registry = await registryWith([ReportJobs]);
    expect(() => registry.get('nope')).toThrow('no job named "nope"; the jobs are: cleanup, daily-report');
  });

  it('refuses two jobs of one name', async () => {
    @Injectable()
    class MoreReports {
      @ScheduledJob({ name: 'daily-report', schedule: '0 7 * * *' })
      async report(): Promise<void> {}
    }
    expect((await startupErrorOf([ReportJobs, MoreReports])).message).toMatch(/"daily-report" clashes with/);
  });

  it.each([
    ['Daily_Report', '0 6 * * *', 'must be kebab-case'],
    ['report', '0 25 * * *', 'schedule "0 25 * * *"'],
  ])('refuses name %j with schedule %j', async (name, schedule, problem) => {
    @Injectable()
    class Broken {
      @ScheduledJob({ name, schedule })
      async run(): Promise<void> {}
    }
    expect((await startupErrorOf([Broken])).message).toContain(problem);
  });

  it('refuses a job in a request-scoped provider', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest {
      @ScheduledJob({ name: 'per-request', schedule: '* * * * *' })
      async run(): Promise<void> {}
    }
    expect((await startupErrorOf([PerRequest])).message).toContain('singleton provider');
  });
});
