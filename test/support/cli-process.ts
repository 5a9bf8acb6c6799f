import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './spawn-service';
import { nodeEntry } from './test-build';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real CLI entry, and the tests' entry that adds the run's own sync master and replica. */
export const CLI_ENTRY = join(PROJECT_ROOT, 'src', 'cli', 'cli.ts');
export const SYNC_TEST_CLI_ENTRY = join(PROJECT_ROOT, 'test', 'support', 'sync-cli-entry.ts');

/**
 * A CLI process as `npm run cli -- …` starts it, with only PATH, HOME and `env` (from the run's
 * compiled build when there is one: test-build.ts).
 */
export function startCli(entry: string, args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...nodeEntry(entry), ...args], {
    cwd: PROJECT_ROOT,
    env: cliEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The environment a test CLI process gets: only PATH, HOME, no local_env file, and `env`. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    LOCAL_ENV_FILE: 'none',
    DEBUG: 'true',
    LOG_LEVEL: 'error',
    ...env,
  };
}

/** Collects a started process's output until it exits (killed after `timeoutMs`). */
export function finished(child: ChildProcess, timeoutMs = 90_000): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the CLI to the end; `input` is its standard input. */
export function runCliProcess(
  entry: string,
  args: readonly string[],
  env: Record<string, string>,
  input = '',
): Promise<CliRun> {
  const child = startCli(entry, args, env);
  const done = finished(child);
  child.stdin?.end(input);
  return done;
}
