import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from './load-settings';
import { SettingsError } from './settings-error';

function localEnvFile(source: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'local-env-')), 'local_env.ts');
  writeFileSync(file, source);
  return file;
}

describe(loadSettings.name, () => {
  it('lets local_env.ts win over the environment and fills the rest from it', () => {
    const file = localEnvFile(`export default { DEBUG: true, PORT: 9100, AMQP_URL: null };`);
    const settings = loadSettings({
      env: { PORT: '7000', SERVICE_NAME: 'from-env', AMQP_URL: 'amqp://x' },
      localEnvFile: file,
    });
    expect(settings).toMatchObject({ debug: true, port: 9100, serviceName: 'from-env', amqpUrl: null });
  });

  it('reads only the environment when the file does not exist', () => {
    const settings = loadSettings({
      env: { DEBUG: 'true', PORT: '7001' },
      localEnvFile: '/nonexistent/local_env.ts',
    });
    expect(settings.port).toBe(7001);
  });

  it('honours LOCAL_ENV_FILE=none', () => {
    expect(loadSettings({ env: { DEBUG: 'true', PORT: '7002', LOCAL_ENV_FILE: 'none' } }).port).toBe(7002);
  });

  it('refuses a value that is not a string, number, boolean or null, naming it', () => {
    const file = localEnvFile(`export default { DEBUG: true, ALLOWED_HOSTS: ['a', 'b'] };`);
    expect(() => loadSettings({ env: {}, localEnvFile: file })).toThrow(SettingsError);
    expect(() => loadSettings({ env: {}, localEnvFile: file })).toThrow(
      /^ALLOWED_HOSTS in .* must be a string/,
    );
  });

  it('reports a file that does not load as one line naming LOCAL_ENV_FILE', () => {
    const file = localEnvFile(`throw new Error('broken on purpose');`);
    expect(() => loadSettings({ env: {}, localEnvFile: file })).toThrow(
      /^LOCAL_ENV_FILE could not be loaded .*broken on purpose$/,
    );
  });
});
