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
 * starts the service with them, as it ships. The image's entrypoint sets the same in NODE_OPTIONS
 * (its `serve` branch); served-node-flags.spec keeps the two the same.
 */
export function servedNodeFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return nodeFlagsOf(scripts['start:prod'], 'dist/main.js');
}

/**
 * The flags the entrypoint's `serve` command puts ahead of the deployment's NODE_OPTIONS
 * (`NODE_OPTIONS="--x=1${NODE_OPTIONS:+ $NODE_OPTIONS}"`), with which it then runs `node … main.js`.
 */
export function entrypointServeFlags(): string[] {
  const entrypoint = readFileSync(join(ROOT, 'infrastructure', 'docker', 'entrypoint.sh'), 'utf8');
  const start = entrypoint.indexOf('  serve)');
  if (start === -1) throw new Error('entrypoint.sh: no `serve)` branch in its case statement');
  const serve = entrypoint.slice(start, entrypoint.indexOf(';;', start));
  if (!/exec node \/app\/dist\/main\.js/.test(serve))
    throw new Error('entrypoint.sh: serve does not exec node /app/dist/main.js');
  const options = /NODE_OPTIONS="([^"$]*)\$\{NODE_OPTIONS:\+ \$NODE_OPTIONS\}"/.exec(serve);
  if (!options)
    throw new Error('entrypoint.sh: serve sets no NODE_OPTIONS="…${NODE_OPTIONS:+ $NODE_OPTIONS}"');
  return options[1].trim().split(/\s+/).filter(Boolean);
}
