import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/app.factory';
import { buildProgram } from '../../src/cli/cli';
import { RawEnv } from '../../src/settings/env-reader';
import { DEFAULT_METRICS_PORT } from '../../src/settings/observability.schema';
import { loadSettings } from '../../src/settings/load-settings';
import { parseSettings } from '../../src/settings/settings.schema';
import { AppFacts } from './cross-references';

/**
 * The names of every variable the settings loader reads, found by letting the real loader
 * read from a recording environment (DEBUG on, so no branch stops early on a missing
 * production value). Nothing is copied by hand: a setting added to the schema is known here.
 */
export function settingsTheAppReads(): Set<string> {
  const read = new Set<string>();
  const values: Record<string, string> = { DEBUG: 'true', LOCAL_ENV_FILE: 'none' };
  const env = new Proxy(values, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
  }) as RawEnv;
  loadSettings({ env });
  parseSettings(env, { serviceName: 'microservice' });
  return read;
}

export function cliCommands(): Set<string> {
  return new Set(buildProgram().commands.map((command) => command.name()));
}

/**
 * GET paths of the real HTTP app (Fastify's own route table): the app is built with DEBUG
 * settings on an in-memory SQLite database (development keys in a temporary directory) and
 * initialised without listening.
 */
export async function httpGetRoutes(paths: readonly string[]): Promise<Set<string>> {
  const keys = mkdtempSync(join(tmpdir(), 'app-facts-'));
  const routes = new Set<string>();
  try {
    const settings = parseSettings(
      {
        DEBUG: 'true',
        DATABASE_URL: 'sqlite:///:memory:',
        JWT_DEV_KEYS_DIR: join(keys, 'dev-keys'),
        LOG_LEVEL: 'error',
        MIGRATE_ON_START: 'true',
      },
      { serviceName: 'microservice' },
    );
    const app = await createApp(settings);
    await app.init();
    const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
    for (const path of paths) if (fastify.hasRoute({ method: 'GET', url: path })) routes.add(path);
    await app.close();
  } finally {
    rmSync(keys, { recursive: true, force: true });
  }
  return routes;
}

/** @param probePaths the HTTP paths the manifests point probes at (only those are looked up). */
export async function readAppFacts(probePaths: readonly string[]): Promise<AppFacts> {
  return {
    settings: settingsTheAppReads(),
    routes: await httpGetRoutes(probePaths),
    cliCommands: cliCommands(),
    metricsPort: DEFAULT_METRICS_PORT,
  };
}
