import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsTheAppReads } from './app-facts';
import { checkReadmeSecrets, secretCommandsIn } from './readme-secrets';

const SETTINGS = settingsTheAppReads();
const command = (lines: string[]) =>
  [
    '```bash',
    'kubectl -n x create secret generic m8e-settings \\',
    ...lines.map((l, i) => `  ${l}${i < lines.length - 1 ? ' \\' : ''}`),
    '```',
  ].join('\n');
const LOGIN_SERVICE = [
  '--from-literal=SECRET_KEY="$(openssl rand -base64 48)"',
  "--from-literal=DATABASE_URL='postgres://microservice@microservice-db-depl:5432/microservice'",
  '--from-file=JWT_SIGN_KEY=./keys/private.pem',
  '--from-file=JWT_VERIFY_KEY=./keys/public.pem',
];

describe(checkReadmeSecrets.name, () => {
  it("accepts the README's secret commands", () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(secretCommandsIn(readme, 'm8e-settings').length).toBeGreaterThanOrEqual(2);
    expect(checkReadmeSecrets(readme, 'README.md', 'm8e-settings', SETTINGS)).toEqual([]);
  });

  it('reads every key of a command', () => {
    expect([...secretCommandsIn(command(LOGIN_SERVICE), 'm8e-settings')[0].keys.keys()]).toEqual([
      'SECRET_KEY',
      'DATABASE_URL',
      'JWT_SIGN_KEY',
      'JWT_VERIFY_KEY',
    ]);
  });

  it('rejects a key the app does not read', () => {
    const problems = checkReadmeSecrets(
      command([...LOGIN_SERVICE, '--from-literal=DB_PASSWORD=x']),
      'R',
      'm8e-settings',
      SETTINGS,
    );
    expect(problems.map((p) => p.message)).toEqual(['secret key DB_PASSWORD is not a setting the app reads']);
  });

  it('rejects a secret the app cannot start with in production', () => {
    const problems = checkReadmeSecrets(command(LOGIN_SERVICE.slice(0, 3)), 'R', 'm8e-settings', SETTINGS);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/does not start the app in production: settings: JWT_VERIFY_KEY is required/),
    ]);
    expect(checkReadmeSecrets('no commands here', 'R', 'm8e-settings', SETTINGS)).toHaveLength(1);
  });
});
