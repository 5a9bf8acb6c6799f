"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerJobsCommands = registerJobsCommands;
const commander_1 = require("commander");
const jobs_constants_1 = require("../../jobs/jobs.constants");
const jobs_schema_1 = require("../../settings/jobs.schema");
const cli_error_1 = require("../cli-error");
const WAIT_POLL_MS = 500;
function registerJobsCommands(program, loadSettings, modules = []) {
    program
        .command('jobs:list')
        .description('list the jobs: schedule, next run, last run and its outcome')
        .option('--json', 'one JSON object per job per line')
        .action(async (options) => {
        const settings = loadSettings();
        await withJobs(settings, modules, async (app) => {
            const { JobHistory } = await Promise.resolve().then(() => __importStar(require('../../jobs/job-history.service')));
            const { JobRegistry } = await Promise.resolve().then(() => __importStar(require('../../jobs/job-registry')));
            const history = app.get(JobHistory);
            for (const job of app.get(JobRegistry).list()) {
                const last = await history.latest(job.name);
                const next = await nextRun(job, settings);
                if (options.json) {
                    process.stdout.write(`${JSON.stringify({ name: job.name, description: job.description, schedule: job.schedule, timeZone: job.timeZone, isEnabled: job.isEnabled, timeoutSeconds: job.timeoutMs / 1000, nextRun: next, lastRun: last })}\n`);
                }
                else {
                    process.stdout.write([
                        `${job.name}${job.description ? `: ${job.description}` : ''}`,
                        `  schedule: ${job.schedule} (${job.timeZone}), timeout ${job.timeoutMs / 1000}s`,
                        `  next run: ${next ? formatTime(next) : notScheduled(job, settings)}`,
                        `  last run: ${last ? describeLastRun(last) : 'never'}`,
                        '',
                    ].join('\n'));
                }
            }
        });
    });
    program
        .command('jobs:run')
        .description(`run a job now, under the same claim as its scheduled runs (for a Kubernetes CronJob). Exit codes: 0 succeeded, 1 failed or timed out, ${jobs_constants_1.JOB_ALREADY_RUNNING_EXIT_CODE} already running elsewhere`)
        .argument('<name>', 'the job, as jobs:list names it')
        .option('--wait', 'when another process is running it, wait for that run to end, then run')
        .option('--wait-timeout <seconds>', `with --wait: give up after this many seconds (exit ${jobs_constants_1.JOB_ALREADY_RUNNING_EXIT_CODE})`, parseSeconds)
        .action(async (name, options) => {
        await withJobs(loadSettings(), modules, async (app, stopped) => {
            const { JobRegistry, UnknownJobError } = await Promise.resolve().then(() => __importStar(require('../../jobs/job-registry')));
            const { describeRun, JobRunner } = await Promise.resolve().then(() => __importStar(require('../../jobs/job-runner.service')));
            const runner = app.get(JobRunner);
            try {
                app.get(JobRegistry).get(name);
            }
            catch (error) {
                if (error instanceof UnknownJobError)
                    throw new cli_error_1.CliError(error.message);
                throw error;
            }
            const deadline = options.waitTimeout === undefined ? Infinity : Date.now() + options.waitTimeout * 1000;
            let result = await runner.runOnce(name);
            if (result.status === 'skipped' && result.reason === 'claimed' && options.wait) {
                process.stderr.write(`job ${name} is running in another process: waiting for it to finish\n`);
                while (result.status === 'skipped' &&
                    result.reason === 'claimed' &&
                    Date.now() < deadline &&
                    !stopped.aborted) {
                    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
                    result = await runner.runOnce(name);
                }
            }
            report(name, result, Boolean(options.wait), describeRun);
        });
    });
}
function report(name, result, waited, describeRun) {
    if (result.status === 'ran') {
        if (result.outcome === 'succeeded') {
            process.stdout.write(`job ${describeRun(name, result)}\n`);
            return;
        }
        process.stderr.write(`error: job ${describeRun(name, result)}\n`);
        process.exitCode = 1;
        return;
    }
    if (result.reason === 'claimed') {
        process.stderr.write(waited
            ? `error: job ${name} is still running in another process (gave up waiting)\n`
            : `error: job ${name} is already running in another process; add --wait to wait for it\n`);
        process.exitCode = jobs_constants_1.JOB_ALREADY_RUNNING_EXIT_CODE;
        return;
    }
    process.stderr.write(`error: job ${name} did not run: stopped by a signal\n`);
    process.exitCode = 1;
}
async function withJobs(settings, modules, work) {
    const [{ NestFactory }, { AppModule }, { ConsoleLogger }] = await Promise.all([
        Promise.resolve().then(() => __importStar(require('@nestjs/core'))),
        Promise.resolve().then(() => __importStar(require('../../app.module'))),
        Promise.resolve().then(() => __importStar(require('@nestjs/common'))),
    ]);
    class StderrLogger extends ConsoleLogger {
        printMessages(messages, context, logLevel, _stream, errorStack, params) {
            super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
        }
    }
    const cliSettings = Object.freeze({
        ...settings,
        jobs: Object.freeze({ ...settings.jobs, enabled: false }),
    });
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(cliSettings, modules), {
        logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
        abortOnError: false,
    });
    const stopped = new AbortController();
    let closing;
    const close = () => (closing ??= app.close());
    const onSignal = () => {
        stopped.abort();
        void close();
    };
    process.once('SIGTERM', onSignal).once('SIGINT', onSignal);
    try {
        await work(app, stopped.signal);
    }
    finally {
        process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
        await close();
    }
}
async function nextRun(job, settings) {
    if (!job.isEnabled || !settings.jobs.enabled)
        return null;
    const { nextTicks } = await Promise.resolve().then(() => __importStar(require('../../jobs/job-ticks')));
    return nextTicks(job.schedule, job.timeZone, new Date())[0] ?? null;
}
function notScheduled(job, settings) {
    if (!settings.jobs.enabled)
        return 'not scheduled (JOBS_ENABLED=false)';
    return `not scheduled (${(0, jobs_schema_1.jobVariable)(job.name, 'ENABLED')}=false)`;
}
function describeLastRun(run) {
    const where = `on ${run.instance} (${run.triggeredBy})`;
    if (run.outcome === 'running')
        return `${formatTime(run.startedAt)} running ${where}`;
    const took = `${((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000).toFixed(2)}s`;
    const verb = run.outcome === 'succeeded' ? `succeeded in ${took}` : `${run.outcome} after ${took}`;
    return `${formatTime(run.startedAt)} ${verb} ${where}${run.error ? `: ${run.error}` : ''}`;
}
function formatTime(date) {
    return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
function parseSeconds(value) {
    if (!/^\d+$/.test(value))
        throw new commander_1.InvalidArgumentError('must be a whole number of seconds');
    return Number(value);
}
