import { EnvReader } from './env-reader';
import { parseSettings } from './settings.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

const DEBUG_ENV = { DEBUG: 'true' };
const parse = (env: Record<string, string>) =>
  parseSettings({ ...DEBUG_ENV, ...env }, { serviceName: 'svc' });

describe('one duration grammar for every setting', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['30', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [' 2 M ', 120_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(new EnvReader({ X: text }).milliseconds('X', 0, { min: 0, max: 10 * 86_400_000 })).toBe(ms);
  });

  it.each(['soon', '1.5s', '-1s', '1w', '1 s s', 'xxx'])('refuses %j naming the grammar', (text) => {
    expect(() => new EnvReader({ X: text }).milliseconds('X', 0, { min: 0, max: 1e9 })).toThrow(
      'X must be a duration such as 500ms, 30s, 15m, 12h or 7d',
    );
  });

  // Each pair was read by only one of the two grammars the settings used to have.
  it.each<[Record<string, string>, (settings: ReturnType<typeof parse>) => number, number]>([
    [{ SHUTDOWN_TIMEOUT: '30000ms' }, (s) => s.shutdownTimeoutSeconds, 30],
    [{ JWT_ACCESS_TTL: '60000ms' }, (s) => s.auth.accessTtlSeconds, 60],
    [{ BUS_REQUEST_TIMEOUT: '1h' }, (s) => s.bus.requestTimeoutMs, 3_600_000],
    [{ BUS_RETRY_DELAYS: '1d' }, (s) => s.bus.retryDelaysMs[0], 86_400_000],
  ])('reads %j in every schema', (env, read, expected) => {
    expect(read(parse(env))).toBe(expected);
  });

  it('refuses a fraction of a second where a setting is kept in seconds, naming it', () => {
    const error = settingsErrorOf(() => parse({ JWT_LEEWAY: '1500ms' }));
    expect(error.message).toBe('JWT_LEEWAY must be a whole number of seconds');
  });
});
