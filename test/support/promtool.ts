import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Prometheus's promtool, as .ci/install-promtool puts it (PROMTOOL names another). */
const PROMTOOL = process.env.PROMTOOL ?? join(__dirname, '..', '..', '.tools', 'promtool', 'promtool');

/**
 * The promtool binary when present. Under CI=true a missing one throws (the suite fails, never
 * skips); elsewhere the lint is skipped with a visible warning.
 */
export function requirePromtool(): string | null {
  if (existsSync(PROMTOOL)) return PROMTOOL;
  const message = `promtool is not at ${PROMTOOL} (bash .ci/install-promtool puts it there)`;
  if (process.env.CI === 'true') throw new Error(`${message}: CI must provide it (.ci/run installs it)`);
  process.stderr.write(`\n  SKIPPING the promtool lint: ${message}\n\n`);
  return null;
}

/** What `promtool check metrics` says of a /metrics page: its exit status and its complaints. */
export function promtoolCheckMetrics(
  promtool: string,
  page: string,
): { status: number | null; output: string } {
  const run = spawnSync(promtool, ['check', 'metrics'], { input: page, encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}
