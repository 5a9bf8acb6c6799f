"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.dueTick = dueTick;
exports.nextTicks = nextTicks;
const cron_1 = require("cron");
function dueTick(cronTime, timeZone, expected, now) {
    if (expected >= now)
        return expected;
    let tick = expected;
    for (;;) {
        const next = cronTime.getNextDateFrom(tick, timeZone).toJSDate();
        if (next > now)
            return tick;
        tick = next;
    }
}
function nextTicks(schedule, timeZone, from, count = 1) {
    const cronTime = new cron_1.CronTime(schedule, timeZone);
    const ticks = [];
    let cursor = from;
    for (let i = 0; i < count; i++) {
        cursor = cronTime.getNextDateFrom(cursor, timeZone).toJSDate();
        ticks.push(cursor);
    }
    return ticks;
}
