import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The `--` flags between `node` and the script in a command line such as `node --x=1 dist/main.js`. */
export function nodeFlagsOf(commandLine: string, script: string): string[] {
  const words = commandLine.trim().split(/\s+/);
  const node = words.indexOf('node');
  const at = words.findIndex((word) => word === script || word.endsWith(`/${script}`));
  if (node < 0 || at < node) throw new Error(`no "node … ${script}" in: ${commandLine}`);
  return words.slice(node + 1, at).filter((word) => word.startsWith('--'));
}

/**
 * The Node flags the server runs with in production, from `npm run start:prod`: the benchmark
 * starts the service with them, as it ships. The image's entrypoint repeats them (its `serve`
 * line); served-node-flags.spec keeps the two the same.
 */
export function servedNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return nodeFlagsOf(scripts['start:prod'], 'dist/main.js');
}

/** The flags of the entrypoint's `serve` command (`exec node … /app/dist/main.js`). */
export function entrypointServeFlags(): string[] {
  const entrypoint = readFileSync(join(ROOT, 'infrastructure', 'docker', 'entrypoint.sh'), 'utf8');
  const line = entrypoint.split('\n').find((text) => /exec node .*\/dist\/main\.js/.test(text));
  if (!line) throw new Error('entrypoint.sh has no "exec node … /app/dist/main.js" line');
  return nodeFlagsOf(line, 'dist/main.js');
}
