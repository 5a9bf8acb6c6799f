import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseSettings } from '../../src/settings/settings.schema';
import { SettingsError } from '../../src/settings/settings-error';
import { Problem } from './problem';

export interface SecretCommand {
  readonly line: number;
  readonly keys: ReadonlyMap<string, { readonly kind: 'literal' | 'file'; readonly value: string }>;
}

/** `kubectl … create secret generic NAME \` commands in a Markdown file, with their keys. */
export function secretCommandsIn(markdown: string, secretName: string): SecretCommand[] {
  const lines = markdown.split('\n');
  const commands: SecretCommand[] = [];
  for (let index = 0; index < lines.length; index++) {
    if (!new RegExp(`create secret generic ${secretName}(\\s|$)`).test(lines[index])) continue;
    let text = lines[index];
    for (let next = index; lines[next].trimEnd().endsWith('\\') && next + 1 < lines.length; next++) {
      text += `\n${lines[next + 1]}`;
    }
    const keys = new Map<string, { kind: 'literal' | 'file'; value: string }>();
    for (const match of text.matchAll(
      /--from-(literal|file)=([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g,
    )) {
      keys.set(match[2], {
        kind: match[1] as 'literal' | 'file',
        value: match[3].replace(/^["']|["']$/g, ''),
      });
    }
    commands.push({ line: index + 1, keys });
  }
  return commands;
}

/**
 * Every key of every documented `m8e-settings` command is a setting the app reads, and the
 * command is a complete production configuration: with its keys (shell substitutions and
 * files replaced by generated values of the same kind) the settings load with DEBUG off.
 */
export function checkReadmeSecrets(
  markdown: string,
  file: string,
  secretName: string,
  settings: ReadonlySet<string>,
): Problem[] {
  const problems: Problem[] = [];
  const commands = secretCommandsIn(markdown, secretName);
  if (commands.length === 0)
    problems.push({ source: file, message: `no "create secret generic ${secretName}" command` });
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  for (const command of commands) {
    const source = `${file}:${command.line}`;
    const env: Record<string, string> = {};
    for (const [key, { kind, value }] of command.keys) {
      if (!settings.has(key))
        problems.push({ source, message: `secret key ${key} is not a setting the app reads` });
      if (kind === 'file') env[key] = /priv/i.test(value) ? privateKey : publicKey;
      else if (value.includes('$(')) env[key] = randomBytes(48).toString('base64');
      else env[key] = value === '…' ? 'example-password' : value;
    }
    try {
      parseSettings(env, { serviceName: 'microservice' });
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      problems.push({
        source,
        message: `this secret does not start the app in production: settings: ${error.message}`,
      });
    }
  }
  return problems;
}
