import { CronTime } from 'cron';
import { dueTick, nextTicks } from './job-ticks';

const at = (iso: string) => new Date(iso);

describe(dueTick.name, () => {
  const everyFiveMinutes = new CronTime('*/5 * * * *', 'UTC');

  it('is the tick the timer was set for when it fires on time or late within the period', () => {
    const expected = at('2026-12-01T12:05:00.000Z');
    expect(dueTick(everyFiveMinutes, 'UTC', expected, at('2026-12-01T12:05:00.004Z'))).toEqual(expected);
    expect(dueTick(everyFiveMinutes, 'UTC', expected, at('2026-12-01T12:09:59.999Z'))).toEqual(expected);
  });

  it('is the latest passed tick when the timer fired later than a whole period', () => {
    const expected = at('2026-12-01T12:05:00.000Z');
    expect(dueTick(everyFiveMinutes, 'UTC', expected, at('2026-12-01T12:17:30.000Z'))).toEqual(
      at('2026-12-01T12:15:00.000Z'),
    );
  });

  it('is the expected tick when the timer fired a hair early', () => {
    const expected = at('2026-12-01T12:05:00.000Z');
    expect(dueTick(everyFiveMinutes, 'UTC', expected, at('2026-12-01T12:04:59.999Z'))).toEqual(expected);
  });

  it('reads the schedule in the configured time zone', () => {
    const berlinThreeAm = new CronTime('0 3 * * *', 'Europe/Berlin');
    const expected = at('2026-12-01T02:00:00.000Z'); // 03:00 in Berlin (UTC+1 in winter)
    expect(dueTick(berlinThreeAm, 'Europe/Berlin', expected, at('2026-12-03T09:00:00.000Z'))).toEqual(
      at('2026-12-03T02:00:00.000Z'),
    );
  });
});

describe(nextTicks.name, () => {
  it('lists the next times the schedule fires', () => {
    expect(nextTicks('0 * * * *', 'UTC', at('2026-12-01T12:00:00.000Z'), 2)).toEqual([
      at('2026-12-01T13:00:00.000Z'),
      at('2026-12-01T14:00:00.000Z'),
    ]);
    expect(nextTicks('*/10 * * * * *', 'UTC', at('2026-12-01T12:00:05.500Z'))).toEqual([
      at('2026-12-01T12:00:10.000Z'),
    ]);
  });
});
