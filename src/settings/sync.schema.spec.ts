import { EnvReader } from './env-reader';
import { parseSyncSettings } from './sync.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

const parse = (env: Record<string, string>) => parseSyncSettings(new EnvReader(env));
const errorOf = (env: Record<string, string>) => settingsErrorOf(() => parse(env));

describe(parseSyncSettings.name, () => {
  it("defaults to django-cqrs's retries and TTLs, and a week of bookkeeping", () => {
    expect(parse({})).toEqual({
      maxRetries: 30,
      retryDelayMs: 2_000,
      messageTtlSeconds: 86_400,
      deadMessageTtlMs: 864_000_000,
      relayBatchSize: 500,
      relayPollMs: 5_000,
      retentionSeconds: 7 * 86_400,
      applyBatchSize: 200,
    });
  });

  it('reads every variable in the one duration grammar, and `none` where a limit can be lifted', () => {
    expect(
      parse({
        SYNC_MAX_RETRIES: 'none',
        SYNC_RETRY_DELAY: '250ms',
        SYNC_MESSAGE_TTL: 'NONE',
        SYNC_DEAD_MESSAGE_TTL: 'none',
        SYNC_RELAY_BATCH: '1000',
        SYNC_RELAY_POLL: '1m',
        SYNC_RETENTION: '14d',
        SYNC_APPLY_BATCH: '5000',
      }),
    ).toEqual({
      maxRetries: null,
      retryDelayMs: 250,
      messageTtlSeconds: null,
      deadMessageTtlMs: null,
      relayBatchSize: 1_000,
      relayPollMs: 60_000,
      retentionSeconds: 14 * 86_400,
      applyBatchSize: 5_000,
    });
    expect(parse({ SYNC_MESSAGE_TTL: '2h', SYNC_DEAD_MESSAGE_TTL: '1d' })).toMatchObject({
      messageTtlSeconds: 7_200,
      deadMessageTtlMs: 86_400_000,
    });
  });

  it.each([
    ['SYNC_MAX_RETRIES', '-1', 'must be between 0 and'],
    ['SYNC_MAX_RETRIES', 'lots', 'must be a whole number'],
    ['SYNC_RETRY_DELAY', '0', 'must be between'],
    ['SYNC_RETRY_DELAY', 'soon', 'must be a duration'],
    ['SYNC_MESSAGE_TTL', '1500ms', 'must be a whole number of seconds'],
    ['SYNC_DEAD_MESSAGE_TTL', '400d', 'must be between'],
    ['SYNC_RELAY_BATCH', '0', 'must be between 1 and 10000'],
    ['SYNC_RELAY_POLL', '5ms', 'must be between'],
    ['SYNC_RETENTION', '30m', 'must be between'],
    ['SYNC_RETENTION', 'weekly', 'must be a duration'],
    ['SYNC_APPLY_BATCH', '0', 'must be between 1 and 5000'],
    ['SYNC_APPLY_BATCH', '5001', 'must be between 1 and 5000'],
    ['SYNC_APPLY_BATCH', '2.5', 'must be a whole number'],
  ])('refuses %s=%j in one line naming the variable', (name, value, problem) => {
    const error = errorOf({ [name]: value });
    expect(error.variable).toBe(name);
    expect(error.message.startsWith(`${name} ${problem}`)).toBe(true);
    expect(error.message).not.toContain('\n');
  });
});
