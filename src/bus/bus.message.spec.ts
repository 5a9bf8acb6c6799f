import { eventProperties, InvalidRoutingKeyError, toRoutingKey, writableHeaders } from './bus.message';
import { correlation } from '../platform/correlation';

describe(toRoutingKey.name, () => {
  it('accepts a concrete dotted key', () => {
    expect(toRoutingKey('orders.eu.created')).toBe('orders.eu.created');
  });

  it.each([['orders.*.created'], ['orders.#'], [''], [{ cmd: 'x' }], [42]])('refuses %j', (pattern) => {
    expect(() => toRoutingKey(pattern)).toThrow(InvalidRoutingKeyError);
  });
});

describe(eventProperties.name, () => {
  it('makes a persistent JSON message with a fresh id that doubles as correlation id', () => {
    const first = eventProperties('orders.created');
    const second = eventProperties('orders.created');
    expect(first).toMatchObject({
      persistent: true,
      contentType: 'application/json',
      type: 'orders.created',
    });
    expect(first.correlationId).toBe(first.messageId);
    expect(first.messageId).not.toBe(second.messageId);
  });

  it('takes the correlation id of the message being handled, and an explicit one over that', async () => {
    await correlation.run('saga-1', async () => {
      expect(eventProperties('a.b').correlationId).toBe('saga-1');
      expect(eventProperties('a.b', { correlationId: 'mine' }).correlationId).toBe('mine');
    });
  });

  it("carries headers only when given, as a copy of the caller's", () => {
    expect(eventProperties('a.b').headers).toBeUndefined();
    const given = { tenant: 'eu' };
    const properties = eventProperties('a.b', { headers: given });
    expect(properties.headers).toEqual({ tenant: 'eu' });
    writableHeaders(properties).traceparent = '00-abc';
    expect(given).toEqual({ tenant: 'eu' });
  });
});

describe(writableHeaders.name, () => {
  it('makes the headers object once, where trace context can be written', () => {
    const properties = eventProperties('a.b');
    const headers = writableHeaders(properties);
    headers.traceparent = '00-abc';
    expect(writableHeaders(properties)).toBe(headers);
    expect(properties.headers).toEqual({ traceparent: '00-abc' });
  });
});
