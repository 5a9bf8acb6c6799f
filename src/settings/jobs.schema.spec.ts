import { EnvReader } from './env-reader';
import { jobVariable, parseJobsSettings } from './jobs.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

const parse = (env: Record<string, string>) => parseJobsSettings(new EnvReader(env));
const errorOf = (env: Record<string, string>) => settingsErrorOf(() => parse(env));

describe(parseJobsSettings.name, () => {
  it('schedules jobs in UTC, keeps 30 days of history and overrides nothing by default', () => {
    expect(parse({})).toEqual({
      enabled: true,
      timeZone: 'UTC',
      historyRetentionSeconds: 30 * 86400,
      overrides: {},
    });
  });

  it('reads the per-job variables by job name, and only those', () => {
    const settings = parse({
      JOBS_ENABLED: 'false',
      JOBS_TIME_ZONE: 'Europe/Berlin',
      JOBS_HISTORY_RETENTION: '7d',
      JOB_PRUNE_REFRESH_TOKENS_SCHEDULE: '*/10 * * * *',
      JOB_PRUNE_REFRESH_TOKENS_TIMEOUT: '2m',
      JOB_ITEMS_COUNT_ENABLED: 'false',
      JOB_REPORT_SCHEDULE: '@daily',
      JOB_NAME: 'a CI system variable, not ours',
    });
    expect(settings).toMatchObject({
      enabled: false,
      timeZone: 'Europe/Berlin',
      historyRetentionSeconds: 604800,
    });
    expect(settings.overrides).toEqual({
      'prune-refresh-tokens': {
        schedule: '*/10 * * * *',
        timeoutSeconds: 120,
        variables: ['JOB_PRUNE_REFRESH_TOKENS_SCHEDULE', 'JOB_PRUNE_REFRESH_TOKENS_TIMEOUT'],
      },
      'items-count': { enabled: false, variables: ['JOB_ITEMS_COUNT_ENABLED'] },
      report: { schedule: '@daily', variables: ['JOB_REPORT_SCHEDULE'] },
    });
    expect(Object.isFrozen(settings.overrides['items-count'])).toBe(true);
  });

  it('accepts six fields with seconds first', () => {
    expect(parse({ JOB_PROBE_SCHEDULE: '*/5 * * * * *' }).overrides.probe.schedule).toBe('*/5 * * * * *');
  });

  it('maps a job name to its variables and back', () => {
    expect(jobVariable('prune-refresh-tokens', 'SCHEDULE')).toBe('JOB_PRUNE_REFRESH_TOKENS_SCHEDULE');
    expect(Object.keys(parse({ [jobVariable('a-b2-c', 'ENABLED')]: 'true' }).overrides)).toEqual(['a-b2-c']);
  });

  it.each([
    ['JOB_PRUNE_REFRESH_TOKENS_SCHEDULE', '61 * * * *', 'must be a cron expression', 'out of range'],
    ['JOB_PRUNE_REFRESH_TOKENS_SCHEDULE', 'every hour', 'must be a cron expression', 'Unknown alias'],
    ['JOB_PRUNE_REFRESH_TOKENS_SCHEDULE', '* * * * * * *', 'must be a cron expression', 'Too many fields'],
    ['JOB_PRUNE_REFRESH_TOKENS_SCHEDULE', '0 0 31 2 *', 'must be a cron expression', 'No execution date'],
    ['JOB_PRUNE_REFRESH_TOKENS_ENABLED', 'maybe', 'must be true/false/1/0', ''],
    ['JOB_PRUNE_REFRESH_TOKENS_TIMEOUT', '0', 'must be between 1s and 604800s', ''],
    ['JOB_PRUNE_REFRESH_TOKENS_TIMEOUT', 'soon', 'must be a duration', ''],
    ['JOBS_ENABLED', 'sometimes', 'must be true/false/1/0', ''],
    ['JOBS_TIME_ZONE', 'Mars/Olympus_Mons', 'must be an IANA time zone', ''],
    ['JOBS_HISTORY_RETENTION', '10m', 'must be between 3600s', ''],
  ])('refuses %s=%j in one line naming the variable', (name, value, problem, reason) => {
    const error = errorOf({ [name]: value });
    expect(error.variable).toBe(name);
    expect(error.message.startsWith(`${name} ${problem}`)).toBe(true);
    expect(error.message).toContain(reason);
    expect(error.message).not.toContain('\n');
  });
});
