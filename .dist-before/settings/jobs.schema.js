"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.parseJobsSettings = parseJobsSettings;
exports.jobNameOf = jobNameOf;
exports.jobVariable = jobVariable;
exports.parseCronExpression = parseCronExpression;
const cron_1 = require("cron");
const settings_error_1 = require("./settings-error");
const DAY = 86400;
const JOB_VARIABLE = /^JOB_([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)_(SCHEDULE|ENABLED|TIMEOUT)$/;
function parseJobsSettings(env) {
    const timeZone = env.string('JOBS_TIME_ZONE') ?? 'UTC';
    if (!isValidTimeZone(timeZone)) {
        throw new settings_error_1.SettingsError('JOBS_TIME_ZONE', 'must be an IANA time zone such as UTC or Europe/Berlin');
    }
    return Object.freeze({
        enabled: env.bool('JOBS_ENABLED', true),
        timeZone,
        historyRetentionSeconds: env.seconds('JOBS_HISTORY_RETENTION', 30 * DAY, { min: 3600, max: 3650 * DAY }),
        overrides: parseOverrides(env, timeZone),
    });
}
function parseOverrides(env, timeZone) {
    const overrides = {};
    for (const variable of env.namesMatching(JOB_VARIABLE)) {
        const [, upperName, field] = JOB_VARIABLE.exec(variable);
        const name = jobNameOf(upperName);
        const override = (overrides[name] ??= { variables: [] });
        override.variables.push(variable);
        if (field === 'SCHEDULE')
            override.schedule = parseCronExpression(variable, env.string(variable), timeZone);
        if (field === 'ENABLED')
            override.enabled = env.bool(variable, true);
        if (field === 'TIMEOUT')
            override.timeoutSeconds = env.seconds(variable, 0, { min: 1, max: 7 * DAY });
    }
    for (const override of Object.values(overrides))
        Object.freeze(override.variables);
    return Object.freeze(Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, Object.freeze(v)])));
}
function jobNameOf(variablePart) {
    return variablePart.toLowerCase().replace(/_/g, '-');
}
function jobVariable(jobName, field) {
    return `JOB_${jobName.toUpperCase().replace(/-/g, '_')}_${field}`;
}
function parseCronExpression(variable, expression, timeZone) {
    try {
        new cron_1.CronTime(expression, timeZone).sendAt();
    }
    catch (error) {
        const reason = error.message.split('\n')[0].trim();
        throw new settings_error_1.SettingsError(variable, `must be a cron expression such as "0 3 * * *" (minute hour day month weekday), or six fields with seconds first: ${reason}`);
    }
    return expression;
}
function isValidTimeZone(zone) {
    try {
        new cron_1.CronTime('* * * * *', zone);
        return true;
    }
    catch {
        return false;
    }
}
