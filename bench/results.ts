import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const RESULTS_DIR = join(__dirname, '..', 'bench-results');

/** The machine a figure was measured on: the figures mean little without it. */
function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((load) => Number(load.toFixed(2))),
  };
}

/** Writes bench-results/<name>.json: when, on what machine, and the benchmark's own figures. */
export function writeResults(name: string, figures: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const document = { measuredAt: new Date().toISOString(), machine: machine(), ...figures };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}
