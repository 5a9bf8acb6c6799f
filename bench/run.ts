/**
 * `npm run bench`: every benchmark, each printing ratios against baselines measured in the same run
 * and writing its figures to bench-results/<name>.json (summary.json: which goals were met).
 */
// First: `--quick` sets the bounds the benches read as they load.
import { isQuick } from './quick-mode';
import { execSync } from 'node:child_process';
import { runBusBench } from './bus.bench';
import { runHttpBench } from './http.bench';
import { runSyncBench } from './sync.bench';
import { runLoginLimitsBench } from './login-limits.bench';
import { runImageBench } from './image.bench';
import { runStartupInstructionsBench } from './startup-instructions.bench';
import { writeResults } from './results';

async function main(): Promise<void> {
  const started = Date.now();
  // The service is measured as it ships: compiled, from dist/.
  execSync('npm run -s build', { stdio: 'inherit' });
  if (isQuick) console.log('quick run: 1 round each, smaller bounds (figures are rougher)');
  const results: Record<string, boolean> = {};
  results.http = await runHttpBench();
  results.startupInstructions = await runStartupInstructionsBench();
  results.bus = await runBusBench();
  results.sync = await runSyncBench();
  results.loginLimits = await runLoginLimitsBench();
  results.image = await runImageBench();
  const missed = Object.entries(results).filter(([, met]) => !met);
  const seconds = Math.round((Date.now() - started) / 1000);
  writeResults('summary', { quick: isQuick, seconds, goalsMet: results });
  console.log(`\nbenchmark took ${seconds} s`);
  console.log(
    missed.length ? `\ngoals missed: ${missed.map(([name]) => name).join(', ')}` : '\nall goals met',
  );
  process.exit(missed.length ? 1 : 0);
}
void main();
