import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CronTime } from 'cron';
import { Settings, SETTINGS } from '../settings/settings';
import { SettingsError } from '../settings/settings-error';
import { DEFAULT_JOB_TIMEOUT_SECONDS, JOB_NAME_PATTERN, SCHEDULED_JOB_METADATA } from './jobs.constants';
import { advisoryLockKey } from './job-lock';
import { JobContext, ScheduledJobOptions } from './scheduled-job.decorator';

/** A declared job with its settings applied. */
export interface JobDefinition {
  readonly name: string;
  readonly description: string;
  /** Where it is declared, `Class.method`, for error messages. */
  readonly source: string;
  readonly schedule: string;
  readonly timeZone: string;
  readonly isEnabled: boolean;
  readonly timeoutMs: number;
  run(context: JobContext): Promise<unknown>;
}

export class UnknownJobError extends Error {
  constructor(name: string, known: readonly string[]) {
    super(`no job named "${name}"; the jobs are: ${known.join(', ') || '(none)'}`);
    this.name = 'UnknownJobError';
  }
}

/**
 * Finds every `@ScheduledJob()` method of the app's providers once the modules are built, applies
 * JOB_<NAME>_* settings, and refuses a setting that names no job, so a typo stops the start-up.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly jobs = new Map<string, JobDefinition>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  onModuleInit(): void {
    const seen = new Set<object>(); // an alias (useExisting) hands out the same instance again
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = (instance as Record<string, unknown>)[method];
        if (typeof fn !== 'function') continue;
        const options = this.reflector.get<ScheduledJobOptions | undefined>(SCHEDULED_JOB_METADATA, fn);
        if (!options) continue;
        const source = `${wrapper.name}.${method}`;
        if (!wrapper.isDependencyTreeStatic()) {
          throw new Error(
            `@ScheduledJob on ${source}: a job must live in a singleton provider, not a request-scoped one`,
          );
        }
        this.add(options, source, (context) => Promise.resolve(fn.call(instance, context)));
      }
    }
    this.refuseSettingsForUnknownJobs();
  }

  list(): JobDefinition[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string): JobDefinition {
    const job = this.jobs.get(name);
    if (!job)
      throw new UnknownJobError(
        name,
        this.list().map((j) => j.name),
      );
    return job;
  }

  private add(options: ScheduledJobOptions, source: string, run: JobDefinition['run']): void {
    const { name } = options;
    if (!JOB_NAME_PATTERN.test(name) || name.length > 63) {
      throw new Error(
        `@ScheduledJob on ${source}: name "${name}" must be kebab-case (a-z, 0-9, -), at most 63`,
      );
    }
    const twin = this.jobs.get(name) ?? [...this.jobs.values()].find((j) => sameLockKey(j.name, name));
    if (twin)
      throw new Error(`@ScheduledJob on ${source}: "${name}" clashes with ${twin.source}; rename one`);
    const { timeZone, overrides } = this.settings.jobs;
    const override = overrides[name];
    try {
      new CronTime(options.schedule, timeZone).sendAt();
    } catch (error) {
      throw new Error(
        `@ScheduledJob on ${source}: schedule "${options.schedule}": ${(error as Error).message}`,
      );
    }
    this.jobs.set(name, {
      name,
      description: options.description ?? '',
      source,
      schedule: override?.schedule ?? options.schedule,
      timeZone,
      isEnabled: override?.enabled ?? options.enabled ?? true,
      timeoutMs: (override?.timeoutSeconds ?? options.timeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS) * 1000,
      run,
    });
  }

  private refuseSettingsForUnknownJobs(): void {
    for (const [name, override] of Object.entries(this.settings.jobs.overrides)) {
      if (this.jobs.has(name)) continue;
      const known = this.list().map((job) => job.name);
      throw new SettingsError(
        override.variables[0],
        `names no job "${name}"; the jobs are: ${known.join(', ')}`,
      );
    }
  }
}

/** Two names on one advisory lock would keep skipping each other's ticks. */
function sameLockKey(a: string, b: string): boolean {
  return advisoryLockKey(a) === advisoryLockKey(b);
}
