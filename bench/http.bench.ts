/**
 * HTTP benchmark: every server runs in its own process, autocannon loads each in interleaved
 * rounds (so machine noise hits all alike), and results are ratios to bare Fastify measured in
 * the same run. Bounded: fixed rounds × fixed seconds, 127.0.0.1 only.
 */
import autocannon from 'autocannon';
import { ChildProcess, fork } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { transformFileSync } from '@swc/core';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchTargets } from './http-targets';
import { writeResults } from './results';
import { isQuick } from './quick-mode';
import { cpuMicros, rssMiB } from './proc-stats';
import { createScratchDatabase } from '../test/support/database';
import { freePort } from '../test/support/ports';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;

export interface Target {
  name: string;
  /** A .ts file under bench/ (compiled here first) or a .js file (run as is). */
  script: string;
  args: string[];
  env?: Record<string, string>;
  path: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  body?: string;
  /** Polled until 200 at start (the cold start ends there); `path` when unset. */
  readyPath?: string;
  /**
   * Sent once after start, before any load and after the idle RSS is read: puts the process in a
   * state it runs in once in service (after a write, see the README).
   */
  firstRequest?: BenchRequest;
  /** Loaded (warm-up included) only once this long has passed since `firstRequest` was answered. */
  settleMs?: number;
  /** Sent every `everyMs` while the target is loaded, beside the load: writes going on meanwhile. */
  sideRequest?: { request: BenchRequest; everyMs: number };
  /** The goal the issue sets: this target must reach `goalVsNest` × the bare Nest app. */
  goalVsNest?: number;
  /** The bare Nest app the goals are ratios of. */
  isNestBaseline?: boolean;
  /** Bare Nest plus one request log line: how close to bare Nest a service that logs requests can get. */
  isLoggingFloor?: boolean;
  /** Bare Nest plus one exported span per request: the least a recorded request can cost more. */
  isTracingFloor?: boolean;
  /** The service as it ships, whose cold start and idle RSS have goals of their own. */
  isService?: boolean;
  /** Left out of `--quick` runs: a comparison with no goal of its own (keeps them under two minutes). */
  isFullRunOnly?: boolean;
  /** Node flags of the process (the service's: those it ships with, servedNodeFlags()). */
  nodeFlags?: string[];
  /**
   * CPU per request as a ratio of another target's (by name, called `as` in the output), at most
   * `goal` (tracing's cost).
   */
  cpuVs?: { target: string; as: string; goal?: number };
}

/** A request the bench sends itself, outside the load generator's. */
export interface BenchRequest {
  method: 'POST';
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** Goals of the service process itself (issue: observability and performance). */
const GOAL_COLD_START_MS = 500;
const GOAL_IDLE_RSS_MIB = 120;

interface Running {
  target: Target;
  child: ChildProcess;
  port: number;
  /** When the first load may start (see Target.settleMs). */
  loadableAt: number;
  coldStartMs: number;
  idleRssMiB: number;
  /** The largest RSS seen right after a load round. */
  loadRssMiB: number;
  results: number[];
  /** CPU microseconds the server spent per request, per round. */
  cpuPerRequest: number[];
  /** Latency percentiles under the load (50 connections, so mostly queueing), ms per round. */
  latencyMs: { p50: number[]; p99: number[] };
}

/**
 * Servers run as plain JavaScript, as in production: a TypeScript loader in the process would
 * add its own start-up time and memory to the figures.
 */
export function compiled(script: string): string {
  if (script.endsWith('.js')) return script;
  // Beside the sources, so the compiled file resolves node_modules like they do.
  const outDir = join(__dirname, '.compiled');
  mkdirSync(outDir, { recursive: true });
  const output = join(outDir, script.replace(/[/.]/g, '_') + '.js');
  const { code } = transformFileSync(join(__dirname, script), { swcrc: true, cwd: join(__dirname, '..') });
  writeFileSync(output, code);
  return output;
}

async function start(target: Target, port: number): Promise<Running> {
  const script = compiled(target.script);
  const started = Date.now();
  const child = fork(script, [String(port), ...target.args], {
    execArgv: target.nodeFlags ?? [],
    cwd: join(__dirname, '..'),
    env: { ...process.env, ...target.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${target.name} exited with code ${child.exitCode} before answering`);
    if (Date.now() > deadline) throw new Error(`${target.name} did not start within 60 s`);
    try {
      const probe = target.readyPath ?? target.path;
      const response = await fetch(`http://127.0.0.1:${port}${probe}`, { headers: target.headers });
      if (response.status === 200) break;
      // The service answers 503 from its start-up stand-in until the app has taken the port.
      if (response.status === 503) throw new Error('starting');
      throw new Error(`${target.name}: ${probe} answered ${response.status}`);
    } catch (error) {
      if ((error as Error).message.includes('answered')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const coldStartMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idleRssMiB = rssMiB(child.pid!);
  if (target.firstRequest) await send(target, port, target.firstRequest);
  return {
    target,
    child,
    port,
    loadableAt: Date.now() + (target.settleMs ?? 0),
    coldStartMs,
    idleRssMiB,
    loadRssMiB: idleRssMiB,
    results: [],
    cpuPerRequest: [],
    latencyMs: { p50: [], p99: [] },
  };
}

async function send(target: Target, port: number, request: BenchRequest): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}${request.path}`, request);
  await response.arrayBuffer();
  if (!response.ok)
    throw new Error(`${target.name}: ${request.method} ${request.path} answered ${response.status}`);
}

interface LoadRound {
  rps: number;
  cpuPerRequest: number;
  p50Ms: number;
  p99Ms: number;
}

async function load(running: Running, seconds: number): Promise<LoadRound> {
  const { target, port } = running;
  const settling = running.loadableAt - Date.now();
  if (settling > 0) await new Promise((resolve) => setTimeout(resolve, settling));
  const side = target.sideRequest;
  const sent: Promise<unknown>[] = [];
  // Caught at once (an unhandled rejection would end the bench), thrown after the round.
  const sendSide = (request: BenchRequest) =>
    sent.push(send(target, port, request).catch((error: unknown) => error));
  // One at once: the rounds of the other targets in between outlast the service's idle window.
  if (side) sendSide(side.request);
  const sideTimer = side && setInterval(() => sendSide(side.request), side.everyMs);
  const cpuBefore = cpuMicros(running.child.pid!);
  let result: autocannon.Result;
  // Each response's time in ms, to the microsecond: autocannon's own percentiles are whole ms.
  const latencies: number[] = [];
  try {
    result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `http://127.0.0.1:${port}${target.path}`,
          connections: CONNECTIONS,
          duration: seconds,
          method: target.method ?? 'GET',
          body: target.body,
          headers: target.headers,
        },
        (error: Error | null, finished) => (error ? reject(error) : resolve(finished)),
      );
      instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
    });
  } finally {
    clearInterval(sideTimer);
  }
  const sideFailure = (await Promise.all(sent)).find((outcome) => outcome instanceof Error);
  if (sideFailure) throw sideFailure;
  running.loadRssMiB = Math.max(running.loadRssMiB, rssMiB(running.child.pid!));
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(
      `${running.target.name}: ${result.non2xx} non-2xx and ${result.errors} errors under load`,
    );
  }
  return {
    rps: result.requests.average,
    cpuPerRequest: (cpuMicros(running.child.pid!) - cpuBefore) / result.requests.total,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The value at quantile `q` (nearest rank) of an unsorted list; sorts it in place. */
function percentile(values: number[], q: number): number {
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? Number.NaN;
}

/**
 * How one target compares with another: the median of their per-round ratios (or differences).
 * The machine's speed drifts between rounds (by up to 2× over a day on the development VM) and
 * both targets of one round see the same drift, so pairing them by round cancels most of it, where
 * a ratio of two medians taken from different rounds does not.
 */
const pairedRatio = (values: number[], baseline: number[]) =>
  median(values.map((value, round) => value / baseline[round]));
const pairedDifference = (values: number[], baseline: number[]) =>
  median(values.map((value, round) => value - baseline[round]));

/** A PostgreSQL database of this run for the write target, or null when the server is unreachable. */
async function createBenchDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  try {
    return await createScratchDatabase('bench_http');
  } catch (error) {
    console.warn(`PostgreSQL unreachable (${(error as Error).message}): its write target is left out`);
    return null;
  }
}

const verdict = (isMet: boolean): string => (isMet ? 'met' : 'MISSED');

/** Median p50 and p99 over the rounds, in ms (to the hundredth under 10 ms). */
const latencyOf = (server: Running): string => {
  const ms = (value: number) => (value < 10 ? value.toFixed(2) : Math.round(value).toString());
  return `${ms(median(server.latencyMs.p50))} / ${ms(median(server.latencyMs.p99))} ms`;
};

/** An OTLP/HTTP collector stand-in: reads every export and answers 200 with an empty body. */
async function startOtlpSink(): Promise<{ url: string; exports: () => number; server: Server }> {
  let exports = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      exports++;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, exports: () => exports, server };
}

export async function runHttpBench(): Promise<boolean> {
  const workdir = mkdtempSync(join(tmpdir(), 'm8e-bench-'));
  const database = await createBenchDatabase();
  // BENCH_ONLY="bare|api/me" narrows the run to targets whose name matches (for quick A/B checks);
  // the two baselines always run.
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null;
  const sink = await startOtlpSink();
  const targets = (await benchTargets(workdir, database?.url ?? null, sink.url)).filter(
    (target, i) =>
      i === 0 ||
      target.isNestBaseline ||
      ((!only || only.test(target.name)) && !(isQuick && target.isFullRunOnly)),
  );
  const servers: Running[] = [];
  try {
    for (const target of targets) servers.push(await start(target, await freePort()));
    for (const server of servers) await load(server, 1); // warm-up: JIT, connection pools
    for (let round = 1; round <= ROUNDS; round++) {
      for (const server of servers) {
        const { rps, cpuPerRequest, p50Ms, p99Ms } = await load(server, SECONDS);
        server.results.push(rps);
        server.cpuPerRequest.push(cpuPerRequest);
        server.latencyMs.p50.push(p50Ms);
        server.latencyMs.p99.push(p99Ms);
      }
      process.stderr.write(`round ${round}/${ROUNDS} done\n`);
    }
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(
      servers
        .filter((server) => server.child.exitCode === null)
        .map((server) => new Promise((resolve) => server.child.once('exit', resolve))),
    );
    await database?.drop().catch(() => undefined);
    sink.server.close();
  }
  const fastifyServer = servers[0];
  const nestServer = servers.find((server) => server.target.isNestBaseline)!;
  let met = true;
  console.log(
    `\nHTTP: ${ROUNDS} interleaved rounds × ${SECONDS}s, ${CONNECTIONS} connections, median req/s and latency (at saturation, so mostly time queued behind the other connections); ratios are medians of per-round ratios`,
  );
  console.log(
    '| server | req/s | p50 / p99 latency | ratio to bare Fastify | ratio to bare Nest | goal | CPU per request | cold start | idle RSS | RSS under load |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const server of servers) {
    const rps = median(server.results);
    const vsFastify = pairedRatio(server.results, fastifyServer.results);
    const vsNest = pairedRatio(server.results, nestServer.results);
    const goal = server.target.goalVsNest;
    const isMet = goal === undefined || vsNest >= goal;
    met &&= isMet;
    console.log(
      `| ${server.target.name} | ${Math.round(rps)} | ${latencyOf(server)} | ${vsFastify.toFixed(2)} | ${vsNest.toFixed(2)} | ${goal === undefined ? '' : `≥ ${goal.toFixed(2)} ${verdict(isMet)}`} | ${median(server.cpuPerRequest).toFixed(1)} µs | ${server.coldStartMs} ms | ${server.idleRssMiB} MiB | ${server.loadRssMiB} MiB |`,
    );
  }
  // What one addition to bare Nest costs it: the floors under the goals.
  const cpuOverNest = (server: Running): number =>
    pairedDifference(server.cpuPerRequest, nestServer.cpuPerRequest);
  const loggingFloor = servers.find((server) => server.target.isLoggingFloor);
  if (loggingFloor) {
    console.log(
      `\none request log line costs bare Nest ${cpuOverNest(loggingFloor).toFixed(1)} µs of CPU per request: logged, it reaches ${pairedRatio(loggingFloor.results, nestServer.results).toFixed(2)} of its own rate, the ceiling for a service that logs every request`,
    );
  }
  const compared = servers.filter((server) => server.target.cpuVs);
  if (compared.length > 0)
    console.log(
      `\nCPU per request against the same service in another state (same run; the sink took ${sink.exports()} OTLP exports):`,
    );
  const tracingFloor = servers.find((server) => server.target.isTracingFloor);
  for (const server of compared) {
    const { target: name, as, goal } = server.target.cpuVs!;
    const base = servers.find((other) => other.target.name === name);
    if (!base) continue;
    const baseCpu = median(base.cpuPerRequest);
    const ratio = pairedRatio(server.cpuPerRequest, base.cpuPerRequest);
    const isMet = goal === undefined || ratio <= goal;
    met &&= isMet;
    console.log(
      `  ${server.target.name}: ${median(server.cpuPerRequest).toFixed(1)} µs vs ${baseCpu.toFixed(1)} µs ${as} = ${ratio.toFixed(2)}×${goal === undefined ? '' : ` — goal ≤ ${goal.toFixed(2)}× ${verdict(isMet)}`}`,
    );
    if (goal !== undefined && tracingFloor) {
      const span = cpuOverNest(tracingFloor);
      console.log(
        `    one exported span costs bare Nest ${span.toFixed(1)} µs of CPU per request: added to the untraced ${baseCpu.toFixed(1)} µs, that alone is ${((baseCpu + span) / baseCpu).toFixed(2)}×, the least tracing every request can cost`,
      );
    }
  }
  const service = servers.find((server) => server.target.isService);
  let processGoals: Record<string, unknown> | null = null;
  if (service) {
    const isStartMet = service.coldStartMs < GOAL_COLD_START_MS;
    const isRssMet = service.idleRssMiB < GOAL_IDLE_RSS_MIB;
    met &&= isStartMet && isRssMet;
    processGoals = {
      coldStartMs: service.coldStartMs,
      idleRssMiB: service.idleRssMiB,
      goals: { coldStartMs: GOAL_COLD_START_MS, idleRssMiB: GOAL_IDLE_RSS_MIB, isStartMet, isRssMet },
    };
    console.log(
      `\nthe service process (production settings, SQLite, from dist/): cold start to the first 200 ${service.coldStartMs} ms (bare Nest ${nestServer.coldStartMs} ms) — goal < ${GOAL_COLD_START_MS} ms ${verdict(isStartMet)}; idle RSS ${service.idleRssMiB} MiB (bare Nest ${nestServer.idleRssMiB} MiB) — goal < ${GOAL_IDLE_RSS_MIB} MiB ${verdict(isRssMet)}`,
    );
  }
  writeResults('http', {
    rounds: ROUNDS,
    secondsPerRound: SECONDS,
    connections: CONNECTIONS,
    targets: servers.map((server) => ({
      name: server.target.name,
      path: server.target.path,
      requestsPerSecond: { median: median(server.results), rounds: server.results },
      cpuMicrosPerRequest: { median: median(server.cpuPerRequest), rounds: server.cpuPerRequest },
      latencyMs: {
        p50: { median: median(server.latencyMs.p50), rounds: server.latencyMs.p50 },
        p99: { median: median(server.latencyMs.p99), rounds: server.latencyMs.p99 },
      },
      ratioToBareFastify: pairedRatio(server.results, fastifyServer.results),
      ratioToBareNest: pairedRatio(server.results, nestServer.results),
      goalVsBareNest: server.target.goalVsNest ?? null,
      coldStartMs: server.coldStartMs,
      idleRssMiB: server.idleRssMiB,
      loadRssMiB: server.loadRssMiB,
    })),
    service: processGoals,
    isMet: met,
  });
  return met;
}

if (require.main === module) {
  void runHttpBench().then((met) => process.exit(met ? 0 : 1));
}
