/**
 * The image, when a container engine is available: its size (in all and over its base image), and
 * the service inside it as it is deployed (Node 22, the image's entrypoint and flags, production
 * settings, SQLite): start to the first 200 on /health/ready, container start included, and idle
 * RSS. The process figures of the HTTP benchmark are Node 20's on this machine; these are the
 * runtime's that ships. Without an engine the part says so and is skipped (CI's infrastructure
 * checks build and size the image on every run). `--quick` does not build: it measures an image
 * built before, if there is one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compiled } from './http.bench';
import { isQuick } from './quick-mode';
import { writeResults } from './results';
import { servedNodeFlags } from '../infrastructure/checks/served-node-flags';
import { generateRsaKeyPair } from '../test/support/keys';
import { freePort } from '../test/support/ports';
import { waitForStatus } from '../test/support/spawn-service';

const ROOT = join(__dirname, '..');
const IMAGE = process.env.BENCH_IMAGE ?? 'localhost/microservice:bench';
const DOCKERFILE = join(ROOT, 'infrastructure', 'dockerfile');
/** What the issue asks of the deployed process, as the HTTP benchmark checks it on Node 20. */
const GOAL_IDLE_RSS_MIB = 120;

interface Engine {
  name: string;
  command: string;
  args: string[];
  sizeMB(image: string): number;
}

function run(engine: Engine, args: string[], timeoutMs = 600_000): string {
  return execFileSync(engine.command, [...engine.args, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

/** Docker when its engine answers; else this workplace's podman wrapper once it is set up. */
function findEngine(): Engine | string {
  if (spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0) {
    const docker: Engine = {
      name: 'Docker',
      command: 'docker',
      args: [],
      sizeMB: (image) =>
        Math.round(Number(run(docker, ['image', 'inspect', '-f', '{{.Size}}', image])) / 1e6),
    };
    return docker;
  }
  const wrapper = [
    resolve(ROOT, '..', 'shared', 'tools', 'container-engine'),
    '/work/shared/tools/container-engine',
  ].find((path) => existsSync(path));
  if (!wrapper) return 'no container engine here (no Docker engine answers `docker info`)';
  if (process.getuid?.() !== 0) return `${wrapper} needs root`;
  if (spawnSync(wrapper, ['podman', 'info'], { stdio: 'ignore', timeout: 60_000 }).status !== 0) {
    return `${wrapper} is not set up (run \`${wrapper} setup\`)`;
  }
  const podman: Engine = {
    name: 'podman (container-engine)',
    command: wrapper,
    args: [],
    sizeMB: (image) => Number(run(podman, ['size', image])),
  };
  return podman;
}

/** The image the Dockerfile's last stage starts from. */
function baseImage(): string {
  const froms = [...readFileSync(DOCKERFILE, 'utf8').matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]);
  return froms[froms.length - 1];
}

function hasImage(engine: Engine, image: string): boolean {
  try {
    run(engine, ['inspect', image]);
    return true;
  } catch {
    return false;
  }
}

/** Node's PID 1 in a container: its resident set in MiB. */
function containerRssMiB(engine: Engine, name: string): number {
  const status = run(engine, ['exec', name, 'cat', '/proc/1/status']);
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
}

/** Kills and removes a container (a bare server as PID 1 ignores SIGTERM: no handler, no default). */
function removeContainer(engine: Engine, name: string): void {
  for (const args of [
    ['kill', name],
    ['rm', '-f', name],
  ]) {
    try {
      run(engine, args);
    } catch {
      // already stopped or gone
    }
  }
}

/** A container that did not answer its ready URL in time. */
class NotReady extends Error {}

/**
 * Starts a container on the host network, waits until `readyUrl` answers 200, lets it settle for a
 * second and reads Node's resident set; the container is removed either way.
 */
async function measureContainer(
  engine: Engine,
  name: string,
  runArgs: string[],
  readyUrl: string,
): Promise<{ startToReadyMs: number; idleRssMiB: number }> {
  const started = Date.now();
  run(engine, ['run', '-d', '--name', name, '--network=host', ...runArgs]);
  try {
    try {
      await waitForStatus(readyUrl, 200, 60_000, 20);
    } catch (error) {
      let log: string;
      try {
        log = run(engine, ['logs', name]);
      } catch (logsError) {
        log = `(unreadable: ${(logsError as Error).message})`;
      }
      throw new NotReady(`${(error as Error).message}; the container's log: ${log}`);
    }
    const startToReadyMs = Date.now() - started;
    await new Promise((done) => setTimeout(done, 1000));
    return { startToReadyMs, idleRssMiB: containerRssMiB(engine, name) };
  } finally {
    removeContainer(engine, name);
  }
}

/**
 * The HTTP benchmark's bare Nest app (one route) on the image's own Node and flags, from this
 * checkout mounted read-only: the baseline the RSS goal is set against, on the runtime that ships.
 */
async function measureBareNest(engine: Engine): Promise<number | null> {
  const script = relative(ROOT, compiled('servers/nest-minimal.ts'));
  const port = await freePort();
  const runArgs = [
    '-v',
    `${ROOT}:/checkout:ro`,
    '--entrypoint',
    'node',
    IMAGE,
    ...servedNodeFlags(),
    `/checkout/${script}`,
    String(port),
    'fastify',
  ];
  try {
    const { idleRssMiB } = await measureContainer(
      engine,
      `bench-bare-nest-${process.pid}`,
      runArgs,
      `http://127.0.0.1:${port}/hello`,
    );
    return idleRssMiB;
  } catch (error) {
    if (error instanceof NotReady) return null;
    throw error;
  }
}

/** The deployed process: start to ready (container start included) and idle RSS. */
async function measureService(engine: Engine): Promise<{ startToReadyMs: number; idleRssMiB: number }> {
  const port = await freePort();
  const { publicKey } = generateRsaKeyPair();
  const settings = {
    SECRET_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: 'sqlite:////tmp/app/bench.sqlite3',
    JWT_SIGN_KEY: '0',
    JWT_VERIFY_KEY: publicKey,
    PORT: String(port),
    METRICS_PORT: '0',
  };
  const runArgs = [...Object.entries(settings).flatMap(([name, value]) => ['-e', `${name}=${value}`]), IMAGE];
  return measureContainer(
    engine,
    `bench-service-${process.pid}`,
    runArgs,
    `http://127.0.0.1:${port}/health/ready`,
  );
}

export async function runImageBench(): Promise<boolean> {
  const engine = findEngine();
  if (typeof engine === 'string') {
    console.log(`\nimage: skipped, ${engine}`);
    return true;
  }
  let buildSeconds: number | null = null;
  if (!isQuick) {
    const logDir = join(ROOT, 'bench-results');
    mkdirSync(logDir, { recursive: true });
    const started = Date.now();
    const build = spawnSync(engine.command, [...engine.args, 'build', '-t', IMAGE, '-f', DOCKERFILE, '.'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 900_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    writeFileSync(join(logDir, 'image-build.log'), `${build.stdout}${build.stderr}`);
    if (build.status !== 0) throw new Error(`image build failed: see bench-results/image-build.log`);
    buildSeconds = Math.round((Date.now() - started) / 1000);
  } else if (!hasImage(engine, IMAGE)) {
    console.log(`\nimage: skipped in a quick run, ${IMAGE} is not built (a full run builds it)`);
    return true;
  }
  const base = baseImage();
  const totalMB = engine.sizeMB(IMAGE);
  const baseMB = hasImage(engine, base) ? engine.sizeMB(base) : null;
  const node = run(engine, ['run', '--rm', '--entrypoint', 'node', IMAGE, '--version']);
  const { startToReadyMs, idleRssMiB } = await measureService(engine);
  const bareNestRssMiB = await measureBareNest(engine);
  const isRssMet = idleRssMiB < GOAL_IDLE_RSS_MIB;
  console.log(
    `\nimage (${engine.name}${buildSeconds === null ? '' : `, built in ${buildSeconds} s`}): ${totalMB} MB` +
      (baseMB === null ? '' : `, ${totalMB - baseMB} MB over ${base} (${baseMB} MB)`) +
      `\n  the service in it (Node ${node}, its entrypoint and flags; production settings, SQLite): start to /health/ready ${startToReadyMs} ms, container start included; idle RSS ${idleRssMiB} MiB (bare Nest on the same Node: ${bareNestRssMiB ?? 'did not start'} MiB) — goal < ${GOAL_IDLE_RSS_MIB} MiB ${isRssMet ? 'met' : 'MISSED'}`,
  );
  writeResults('image', {
    engine: engine.name,
    image: IMAGE,
    buildSeconds,
    node,
    sizeMB: totalMB,
    base: { image: base, sizeMB: baseMB },
    process: { startToReadyMs, idleRssMiB, bareNestIdleRssMiB: bareNestRssMiB },
    goals: { idleRssMiB: GOAL_IDLE_RSS_MIB, isRssMet },
  });
  return isRssMet;
}

if (require.main === module) {
  runImageBench().then(
    (isMet) => process.exit(isMet ? 0 : 1),
    (error: unknown) => {
      console.error(`image benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
