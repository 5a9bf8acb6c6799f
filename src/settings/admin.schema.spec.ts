import { EnvReader } from './env-reader';
import { parseAdminSettings } from './admin.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

const parse = (env: Record<string, string>, debug = false) => parseAdminSettings(new EnvReader(env), debug);

describe(parseAdminSettings.name, () => {
  it('is on in DEBUG and off otherwise, with an 8-hour session', () => {
    expect(parse({}, true)).toEqual({ enabled: true, sessionTtlSeconds: 8 * 3_600 });
    expect(parse({}, false)).toEqual({ enabled: false, sessionTtlSeconds: 8 * 3_600 });
  });

  it('lets production opt in and DEBUG opt out', () => {
    expect(parse({ ADMIN_ENABLED: 'true', ADMIN_SESSION_TTL: '30m' }, false)).toEqual({
      enabled: true,
      sessionTtlSeconds: 1_800,
    });
    expect(parse({ ADMIN_ENABLED: '0' }, true).enabled).toBe(false);
  });

  it.each([
    ['ADMIN_ENABLED', 'maybe'],
    ['ADMIN_SESSION_TTL', '10s'],
    ['ADMIN_SESSION_TTL', '30d'],
    ['ADMIN_SESSION_TTL', 'long'],
  ])('refuses %s=%j in one line naming the variable', (name, value) => {
    const error = settingsErrorOf(() => parse({ [name]: value }));
    expect(error.variable).toBe(name);
    expect(error.message.startsWith(`${name} `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });
});
