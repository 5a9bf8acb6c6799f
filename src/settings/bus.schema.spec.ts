import { EnvReader } from './env-reader';
import { parseBusSettings } from './bus.schema';
import { settingsErrorOf } from '../../test/support/settings-error';

function parse(env: Record<string, string>, shutdownTimeoutSeconds = 3600) {
  return parseBusSettings(new EnvReader(env), 'billing', shutdownTimeoutSeconds);
}

const errorOf = (env: Record<string, string>) => settingsErrorOf(() => parse(env));

describe(parseBusSettings.name, () => {
  it('has defaults for every variable, and the queue is the service name', () => {
    expect(parse({})).toEqual({
      exchange: 'events',
      queue: 'billing',
      prefetch: 50,
      retryDelaysMs: [1000, 10_000, 60_000],
      publishTimeoutMs: 30_000,
      publishBufferLimit: 10_000,
      requestTimeoutMs: 5000,
      handlerTimeoutMs: 60_000,
      maxDeliveries: 5,
    });
  });

  it('reads every variable', () => {
    expect(
      parse({
        AMQP_EXCHANGE: 'shop.events',
        BUS_PREFETCH: '10',
        BUS_RETRY_DELAYS: '500ms, 5s,2m,1h',
        BUS_PUBLISH_TIMEOUT: '2m',
        BUS_PUBLISH_BUFFER: '500',
        BUS_REQUEST_TIMEOUT: '250ms',
        BUS_HANDLER_TIMEOUT: '5m',
        BUS_MAX_DELIVERIES: '3',
      }),
    ).toEqual({
      exchange: 'shop.events',
      queue: 'billing',
      prefetch: 10,
      retryDelaysMs: [500, 5000, 120_000, 3_600_000],
      publishTimeoutMs: 120_000,
      publishBufferLimit: 500,
      requestTimeoutMs: 250,
      handlerTimeoutMs: 300_000,
      maxDeliveries: 3,
    });
  });

  it('reads a bare number as seconds', () => {
    expect(parse({ BUS_RETRY_DELAYS: '2', BUS_REQUEST_TIMEOUT: '7' })).toMatchObject({
      retryDelaysMs: [2000],
      requestTimeoutMs: 7000,
    });
  });

  it('turns retries off with BUS_RETRY_DELAYS=none', () => {
    expect(parse({ BUS_RETRY_DELAYS: 'none' }).retryDelaysMs).toEqual([]);
  });

  it('returns a frozen object', () => {
    const settings = parse({});
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.retryDelaysMs)).toBe(true);
  });

  it.each([
    ['AMQP_EXCHANGE', 'has space', 'must be letters'],
    ['AMQP_EXCHANGE', 'amq.topic', 'not start with amq.'],
    ['AMQP_EXCHANGE', 'x'.repeat(201), 'max 200'],
    ['BUS_PREFETCH', '0', 'between 1 and 65535'],
    ['BUS_PREFETCH', '70000', 'between 1 and 65535'],
    ['BUS_PREFETCH', 'lots', 'whole number'],
    ['BUS_RETRY_DELAYS', '1s,,2s', 'duration'],
    ['BUS_RETRY_DELAYS', '1s,soon', 'duration'],
    ['BUS_RETRY_DELAYS', '0ms', 'between 1ms and 86400s'],
    ['BUS_RETRY_DELAYS', '25h', 'between 1ms and 86400s'],
    ['BUS_RETRY_DELAYS', Array.from({ length: 21 }, () => '1s').join(','), 'at most 20'],
    ['BUS_HANDLER_TIMEOUT', 'never', 'duration'],
    ['BUS_HANDLER_TIMEOUT', '5ms', 'between 10ms'],
    ['BUS_MAX_DELIVERIES', '0', 'between 1 and 1000'],
    ['BUS_MAX_DELIVERIES', 'many', 'whole number'],
    ['BUS_PUBLISH_TIMEOUT', '50ms', 'between 100ms'],
    ['BUS_PUBLISH_TIMEOUT', '2h', 'between 100ms'],
    ['BUS_PUBLISH_TIMEOUT', '-1s', 'duration'],
    ['BUS_PUBLISH_BUFFER', '0', 'between 1 and 1000000'],
    ['BUS_PUBLISH_BUFFER', '1.5', 'whole number'],
    ['BUS_REQUEST_TIMEOUT', '5ms', 'between 10ms'],
    ['BUS_REQUEST_TIMEOUT', 'fast', 'duration'],
  ])('rejects %s=%s naming the variable', (name, value, problem) => {
    const error = errorOf({ [name]: value });
    expect(error.variable).toBe(name);
    expect(error.message.startsWith(`${name} `)).toBe(true);
    expect(error.message).toContain(problem);
  });

  describe('BUS_PUBLISH_TIMEOUT and SHUTDOWN_TIMEOUT', () => {
    it('defaults the publish timeout below the shutdown timeout', () => {
      expect(parse({}, 25).publishTimeoutMs).toBe(20_000);
      expect(parse({}, 5).publishTimeoutMs).toBe(4000);
      expect(parse({}, 600).publishTimeoutMs).toBe(30_000);
    });

    it('refuses a publish timeout that a shutdown could not wait for, in one line', () => {
      const error = settingsErrorOf(() => parse({ BUS_PUBLISH_TIMEOUT: '30s' }, 25));
      expect(error.variable).toBe('BUS_PUBLISH_TIMEOUT');
      expect(error.message).toBe(
        'BUS_PUBLISH_TIMEOUT must be shorter than SHUTDOWN_TIMEOUT (25s), which waits for unconfirmed publishes',
      );
      expect(parse({ BUS_PUBLISH_TIMEOUT: '24s' }, 25).publishTimeoutMs).toBe(24_000);
    });
  });
});
