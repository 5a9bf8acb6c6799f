"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.JobRegistry = exports.UnknownJobError = void 0;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const cron_1 = require("cron");
const settings_1 = require("../settings/settings");
const settings_error_1 = require("../settings/settings-error");
const jobs_constants_1 = require("./jobs.constants");
const job_lock_1 = require("./job-lock");
class UnknownJobError extends Error {
    constructor(name, known) {
        super(`no job named "${name}"; the jobs are: ${known.join(', ') || '(none)'}`);
        this.name = 'UnknownJobError';
    }
}
exports.UnknownJobError = UnknownJobError;
let JobRegistry = class JobRegistry {
    discovery;
    scanner;
    reflector;
    settings;
    jobs = new Map();
    constructor(discovery, scanner, reflector, settings) {
        this.discovery = discovery;
        this.scanner = scanner;
        this.reflector = reflector;
        this.settings = settings;
    }
    onModuleInit() {
        const seen = new Set();
        for (const wrapper of this.discovery.getProviders()) {
            const instance = wrapper.instance;
            if (typeof instance !== 'object' || instance === null || seen.has(instance))
                continue;
            seen.add(instance);
            const prototype = Object.getPrototypeOf(instance);
            if (!prototype)
                continue;
            for (const method of this.scanner.getAllMethodNames(prototype)) {
                const fn = instance[method];
                if (typeof fn !== 'function')
                    continue;
                const options = this.reflector.get(jobs_constants_1.SCHEDULED_JOB_METADATA, fn);
                if (!options)
                    continue;
                const source = `${wrapper.name}.${method}`;
                if (!wrapper.isDependencyTreeStatic()) {
                    throw new Error(`@ScheduledJob on ${source}: a job must live in a singleton provider, not a request-scoped one`);
                }
                this.add(options, source, (context) => Promise.resolve(fn.call(instance, context)));
            }
        }
        this.refuseSettingsForUnknownJobs();
    }
    list() {
        return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
    }
    get(name) {
        const job = this.jobs.get(name);
        if (!job)
            throw new UnknownJobError(name, this.list().map((j) => j.name));
        return job;
    }
    add(options, source, run) {
        const { name } = options;
        if (!jobs_constants_1.JOB_NAME_PATTERN.test(name) || name.length > 63) {
            throw new Error(`@ScheduledJob on ${source}: name "${name}" must be kebab-case (a-z, 0-9, -), at most 63`);
        }
        const twin = this.jobs.get(name) ?? [...this.jobs.values()].find((j) => sameLockKey(j.name, name));
        if (twin)
            throw new Error(`@ScheduledJob on ${source}: "${name}" clashes with ${twin.source}; rename one`);
        const { timeZone, overrides } = this.settings.jobs;
        const override = overrides[name];
        try {
            new cron_1.CronTime(options.schedule, timeZone).sendAt();
        }
        catch (error) {
            throw new Error(`@ScheduledJob on ${source}: schedule "${options.schedule}": ${error.message}`);
        }
        this.jobs.set(name, {
            name,
            description: options.description ?? '',
            source,
            schedule: override?.schedule ?? options.schedule,
            timeZone,
            isEnabled: override?.enabled ?? options.enabled ?? true,
            timeoutMs: (override?.timeoutSeconds ?? options.timeoutSeconds ?? jobs_constants_1.DEFAULT_JOB_TIMEOUT_SECONDS) * 1000,
            run,
        });
    }
    refuseSettingsForUnknownJobs() {
        for (const [name, override] of Object.entries(this.settings.jobs.overrides)) {
            if (this.jobs.has(name))
                continue;
            const known = this.list().map((job) => job.name);
            throw new settings_error_1.SettingsError(override.variables[0], `names no job "${name}"; the jobs are: ${known.join(', ')}`);
        }
    }
};
exports.JobRegistry = JobRegistry;
exports.JobRegistry = JobRegistry = __decorate([
    (0, common_1.Injectable)(),
    __param(3, (0, common_1.Inject)(settings_1.SETTINGS)),
    __metadata("design:paramtypes", [core_1.DiscoveryService,
        core_1.MetadataScanner,
        core_1.Reflector, Object])
], JobRegistry);
function sameLockKey(a, b) {
    return (0, job_lock_1.advisoryLockKey)(a) === (0, job_lock_1.advisoryLockKey)(b);
}
