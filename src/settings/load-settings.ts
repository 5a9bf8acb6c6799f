import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RawEnv } from './env-reader';
import { Settings } from './settings';
import { SettingsError } from './settings-error';
import { parseSettings } from './settings.schema';

/** The repository root (where package.json is), from src/settings or dist/settings. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface LoadSettingsOptions {
  /** The process environment; defaults to `process.env`. */
  readonly env?: RawEnv;
  /** Path of the local_env file, or null to read the environment only. */
  readonly localEnvFile?: string | null;
}

/**
 * Reads `local_env.ts` (when it exists) over the environment and validates the result.
 * A variable set in local_env.ts wins; anything it leaves out comes from the environment.
 * `LOCAL_ENV_FILE` points elsewhere, or `none` ignores the file (tests use this).
 */
export function loadSettings(options: LoadSettingsOptions = {}): Settings {
  const env = options.env ?? process.env;
  const file = options.localEnvFile === undefined ? defaultLocalEnvFile(env) : options.localEnvFile;
  const local = file === null ? {} : readLocalEnv(file);
  return parseSettings({ ...env, ...local }, { serviceName: packageName() });
}

/** For entry points: one line on stderr and exit 1 instead of a stack trace. */
export function loadSettingsOrExit(options?: LoadSettingsOptions): Settings {
  try {
    return loadSettings(options);
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`settings: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

function defaultLocalEnvFile(env: RawEnv): string | null {
  const configured = env.LOCAL_ENV_FILE?.trim();
  if (configured === 'none') return null;
  return configured ? resolve(configured) : join(PROJECT_ROOT, 'local_env.ts');
}

function readLocalEnv(file: string): RawEnv {
  if (!existsSync(file)) return {};
  ensureTypeScriptLoader(file);
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the file is chosen at run time
    const module = require(file) as { default?: unknown };
    exported = module.default ?? module;
  } catch (error) {
    throw new SettingsError(
      'LOCAL_ENV_FILE',
      `could not be loaded (${file}): ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof exported !== 'object' || exported === null) {
    throw new SettingsError('LOCAL_ENV_FILE', `${file} must export default an object of settings`);
  }
  const values: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(exported)) {
    if (value === undefined) continue;
    if (value === null) values[name] = 'None';
    else if (['string', 'number', 'boolean'].includes(typeof value)) values[name] = String(value);
    else throw new SettingsError(name, `in ${file} must be a string, number, boolean or null`);
  }
  return values;
}

/** `npm start` runs compiled code; it can still read a developer's local_env.ts. */
function ensureTypeScriptLoader(file: string): void {
  if (!file.endsWith('.ts') || require.extensions['.ts']) return;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@swc-node/register');
  } catch {
    throw new SettingsError(
      'LOCAL_ENV_FILE',
      `${file} exists but the TypeScript loader is missing: run npm install, or remove the file`,
    );
  }
}

function packageName(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name?: string };
    return pkg.name ?? 'microservice';
  } catch {
    return 'microservice';
  }
}
