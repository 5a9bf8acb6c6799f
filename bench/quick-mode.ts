/**
 * `npm run bench -- --quick`: the same benchmarks with smaller bounds (under two minutes on a
 * 2-core machine), for a check before a commit; the full run is what the README quotes.
 * Imported first by run.ts: the benches read their bounds from the environment as they load.
 * A bound set explicitly in the environment wins over the quick one.
 */
export const isQuick = process.argv.includes('--quick');

const QUICK_BOUNDS: Record<string, string> = {
  BENCH_ROUNDS: '1',
  BENCH_SECONDS: '2',
  BENCH_MESSAGES: '5000',
  BENCH_SYNC_EVENTS: '5000',
  BENCH_SYNC_LAG_SECONDS: '3',
  BENCH_ATTEMPTS: '500',
};

if (isQuick) for (const [name, value] of Object.entries(QUICK_BOUNDS)) process.env[name] ??= value;
