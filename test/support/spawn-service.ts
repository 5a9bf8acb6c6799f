import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { nodeEntry, PROJECT_ROOT } from './test-build';

export { PROJECT_ROOT };

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningService {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves when the process exits (or kills it after `timeoutMs`). */
  exited(timeoutMs?: number): Promise<Finished>;
}

/**
 * Starts `src/<entry>` in its own Node process the way `npm start`/`npm run cli` do, with a
 * clean environment: only PATH, HOME and `env` (no local_env.ts unless asked for). It runs the
 * run's compiled build (test-build.ts); `source: true` runs the TypeScript through
 * @swc-node/register as `npm run start:dev` does.
 */
export function spawnService(
  entry: string,
  env: Record<string, string>,
  args: string[] = [],
  cwd = PROJECT_ROOT,
  options: { source?: boolean } = {},
): RunningService {
  const child = spawn(process.execPath, [...nodeEntry(join(PROJECT_ROOT, 'src', entry), options), ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOCAL_ENV_FILE: 'none',
      TS_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json'),
      NODE_PATH: join(PROJECT_ROOT, 'node_modules'),
      // Services started side by side would all take the default metrics port.
      METRICS_PORT: '0',
      // With DEBUG off a SIGTERM first serves SHUTDOWN_DELAY (5 s) more for the load balancer;
      // no test waits on that unless it sets it (the shutdown tests do).
      SHUTDOWN_DELAY: '0s',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Finished>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return {
    child,
    output: () => stdout + stderr,
    exited: async (timeoutMs = 60_000) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await done;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Polls `url` every `pollMs` until it answers `status`, at most `timeoutMs`; returns the
 * milliseconds it took.
 */
export async function waitForStatus(
  url: string,
  status: number,
  timeoutMs = 30000,
  pollMs = 100,
): Promise<number> {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < timeoutMs) {
    try {
      const response = await fetch(url);
      if (response.status === status) return Date.now() - started;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/**
 * Runs one of test/support's probe entries (`entry`, e.g. 'loaded-otel.main.ts') to its end, in a
 * process of its own that sees only PATH, HOME and `env`, and returns its last line of output as
 * JSON.
 */
export function runProbe<T>(entry: string, args: string[] = [], env: Record<string, string> = {}): T {
  const result = spawnSync(
    process.execPath,
    [...nodeEntry(join(PROJECT_ROOT, 'test', 'support', entry)), ...args],
    {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOCAL_ENV_FILE: 'none', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (result.status !== 0) throw new Error(`the probe ${entry} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop() ?? 'null') as T;
}
