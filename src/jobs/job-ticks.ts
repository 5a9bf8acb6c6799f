import { CronTime } from 'cron';

/**
 * The tick a firing timer stands for: the latest time of the schedule at or before `now`,
 * searching forward from `expected` (the tick the timer was set for). Every replica computes
 * the same tick however late its timer fired, which is what lets the history row dedupe it.
 */
export function dueTick(cronTime: CronTime, timeZone: string, expected: Date, now: Date): Date {
  if (expected >= now) return expected; // fired a hair early; it is still that tick
  let tick = expected;
  for (;;) {
    const next = cronTime.getNextDateFrom(tick, timeZone).toJSDate();
    if (next > now) return tick;
    tick = next;
  }
}

/** The next `count` times the schedule fires after `from`. */
export function nextTicks(schedule: string, timeZone: string, from: Date, count = 1): Date[] {
  const cronTime = new CronTime(schedule, timeZone);
  const ticks: Date[] = [];
  let cursor = from;
  for (let i = 0; i < count; i++) {
    cursor = cronTime.getNextDateFrom(cursor, timeZone).toJSDate();
    ticks.push(cursor);
  }
  return ticks;
}
