import { execFile, spawnSync } from 'node:child_process';

/** Debian's `chromium`, when installed (.ci/run installs it). */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return null;
}

/**
 * Chromium when present. Under CI=true a missing browser throws (the suite fails, never skips);
 * elsewhere the browser checks are skipped with a visible warning.
 */
export function requireChromium(): string | null {
  const chromium = findChromium();
  if (chromium) return chromium;
  const message = 'chromium is not installed (apt-get install chromium)';
  if (process.env.CI === 'true') throw new Error(`${message}: CI must provide it (.ci/run installs it)`);
  process.stderr.write(`\n  SKIPPING browser checks: ${message}\n\n`);
  return null;
}

export interface PageLoad {
  /** The DOM after scripts ran (headless --dump-dom). */
  readonly dom: string;
  /** What the page logged to its console, e.g. Content Security Policy violations. */
  readonly console: string[];
}

/** Loads `url` in headless Chromium (bounded: 5 s of page time, 60 s in all). */
export function loadPage(chromium: string, url: string): Promise<PageLoad> {
  const args = [
    '--headless',
    '--no-sandbox', // tests run as root in CI
    '--disable-gpu',
    '--enable-logging=stderr',
    '--v=0',
    '--virtual-time-budget=5000',
    '--dump-dom',
    url,
  ];
  return new Promise((resolve, reject) => {
    execFile(chromium, args, { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && stdout === '') return reject(new Error(`chromium failed: ${error.message}`));
      const console = stderr.split('\n').filter((line) => line.includes(':CONSOLE'));
      resolve({ dom: stdout, console });
    });
  });
}

/** The flags every driven Chromium gets: no sandbox (root in CI), and nothing that phones home. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;
