import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BODY_KEYS,
  CqrsDecodeError,
  decodeCqrsMessage,
  encodeCqrsBody,
  formatExpires,
  formatPythonDatetime,
  parseTimestamp,
} from './cqrs-message';

/** The byte-exact django-cqrs bodies; the spec lives beside the project, a copy under test/. */
export const SAMPLES_DIR = join(__dirname, '..', '..', 'test', 'fixtures', 'cqrs-samples');

function sample(name: string): Buffer {
  return readFileSync(join(SAMPLES_DIR, name));
}

const NOW = new Date('2026-11-25T20:40:00Z');
const files = readdirSync(SAMPLES_DIR).filter((file) => file.endsWith('.json'));

describe(decodeCqrsMessage.name, () => {
  it('finds all eight samples', () => {
    expect(files).toHaveLength(8);
  });

  it.each(files.filter((file) => !file.startsWith('07')))(
    'decodes %s and encodes it again byte for byte',
    (file) => {
      const content = sample(file);
      const { body } = decodeCqrsMessage(content, 86_400, NOW);
      expect(Object.keys(JSON.parse(content.toString()) as object)).toEqual(BODY_KEYS);
      expect(encodeCqrsBody(body).equals(content)).toBe(true);
    },
  );

  it('fills the keys a django-cqrs 1.0 master did not send (07-legacy)', () => {
    const { body, expiresAt } = decodeCqrsMessage(sample('07-legacy-v1.0-save-user.json'), 86_400, NOW);
    expect(body).toMatchObject({
      signal_type: 'SAVE',
      cqrs_id: 'user',
      instance_pk: 42,
      previous_data: null,
      correlation_id: null,
      retries: 0,
      meta: null,
      expires: '2026-11-26T20:40:00+00:00',
    });
    expect(expiresAt?.toISOString()).toBe('2026-11-26T20:40:00.000Z');
    expect(decodeCqrsMessage(sample('07-legacy-v1.0-save-user.json'), null, NOW).expiresAt).toBeNull();
  });

  it('reads the fields of the samples with their types', () => {
    const update = decodeCqrsMessage(sample('02-save-update-user-previous-data.json'), 86_400, NOW);
    expect(update.body.previous_data).toEqual({ email: 'alice@example.com' });
    expect(update.body.correlation_id).toBe('req-7f3a9c2e');
    expect(update.body.meta).toEqual({ source: 'admin-panel' });
    expect(update.expiresAt?.toISOString()).toBe('2026-11-26T20:12:45.000Z');
    const item = decodeCqrsMessage(sample('04-sync-item-direct-to-replica.json'), 86_400, NOW);
    expect(item.body.instance_pk).toBe('3f1c8a4e-9b2d-4c61-8e7a-5d0b6f2a9c13');
    expect(item.body.signal_type).toBe('SYNC');
    expect(decodeCqrsMessage(sample('05-save-item-requeued-retries-3.json'), 86_400, NOW).body.retries).toBe(
      3,
    );
    expect(decodeCqrsMessage(sample('08-dead-letter-item.json'), 86_400, NOW).body.retries).toBe(30);
  });

  it.each([
    ['not json', '{"signal_type":', 'unparsable-body'],
    ['an array', '[1,2]', 'invalid-body'],
    ['no instance_pk', '{"signal_type":"SAVE","cqrs_id":"user","instance_data":{}}', 'invalid-body'],
    [
      'an unknown signal',
      '{"signal_type":"PATCH","cqrs_id":"user","instance_data":{},"instance_pk":1}',
      'invalid-body',
    ],
    [
      'a numeric cqrs_id',
      '{"signal_type":"SAVE","cqrs_id":7,"instance_data":{},"instance_pk":1}',
      'invalid-body',
    ],
    [
      'instance_data null',
      '{"signal_type":"SAVE","cqrs_id":"u","instance_data":null,"instance_pk":1}',
      'invalid-body',
    ],
    [
      'a boolean pk',
      '{"signal_type":"SAVE","cqrs_id":"u","instance_data":{},"instance_pk":true}',
      'invalid-body',
    ],
    [
      'negative retries',
      '{"signal_type":"SAVE","cqrs_id":"u","instance_data":{},"instance_pk":1,"retries":-1}',
      'invalid-body',
    ],
    [
      'a bad expires',
      '{"signal_type":"SAVE","cqrs_id":"u","instance_data":{},"instance_pk":1,"expires":"soon"}',
      'invalid-body',
    ],
  ])('refuses %s with a reason', (_what, text, reason) => {
    let error: unknown;
    try {
      decodeCqrsMessage(Buffer.from(text), 86_400, NOW);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CqrsDecodeError);
    expect((error as CqrsDecodeError).reason).toBe(reason);
  });

  it('keeps the cqrs_id of an invalid body, to route its dead letter', () => {
    try {
      decodeCqrsMessage(Buffer.from('{"signal_type":"SAVE","cqrs_id":"user","instance_data":[]}'), 1, NOW);
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as CqrsDecodeError).cqrsId).toBe('user');
    }
  });

  it('accepts a string pk, a null pk and a null expires', () => {
    const text =
      '{"signal_type":"DELETE","cqrs_id":"u","instance_data":{"id":"a"},"instance_pk":null,"expires":null}';
    const decoded = decodeCqrsMessage(Buffer.from(text), 86_400, NOW);
    expect(decoded.body.instance_pk).toBeNull();
    expect(decoded.expiresAt).toBeNull();
  });
});

describe(encodeCqrsBody.name, () => {
  it('writes the nine keys in django-cqrs order and escapes like ujson', () => {
    const encoded = encodeCqrsBody({
      signal_type: 'SAVE',
      cqrs_id: 'item',
      instance_data: { id: 1, name: 'Crème/brûlée' },
      previous_data: null,
      instance_pk: 1,
      correlation_id: null,
      retries: 0,
      expires: null,
      meta: {},
    }).toString('ascii');
    expect(encoded).toBe(
      '{"signal_type":"SAVE","cqrs_id":"item","instance_data":{"id":1,"name":"Cr\\u00e8me\\/br\\u00fbl\\u00e9e"},"previous_data":null,"instance_pk":1,"correlation_id":null,"retries":0,"expires":null,"meta":{}}',
    );
    expect(JSON.parse(encoded).instance_data.name).toBe('Crème/brûlée');
  });
});

describe('timestamps', () => {
  it('formats cqrs_updated as Python str(datetime)', () => {
    expect(formatPythonDatetime(new Date('2026-11-25T20:00:00.118Z'))).toBe(
      '2026-11-25 20:00:00.118000+00:00',
    );
    expect(formatPythonDatetime(new Date('2026-11-25T20:00:00.000Z'))).toBe('2026-11-25 20:00:00+00:00');
  });

  it('formats expires as aware isoformat without microseconds', () => {
    expect(formatExpires(new Date('2026-11-26T20:00:00.999Z'))).toBe('2026-11-26T20:00:00+00:00');
  });

  it.each([
    ['2026-11-25 20:00:00.118204+00:00', '2026-11-25T20:00:00.118Z'],
    ['2026-11-20T08:15:30.250000Z', '2026-11-20T08:15:30.250Z'],
    ['2026-11-25T20:00:00+00:00', '2026-11-25T20:00:00.000Z'],
    ['2026-11-25 22:00:00+02:00', '2026-11-25T20:00:00.000Z'],
    ['2026-11-25 15:30:00-0430', '2026-11-25T20:00:00.000Z'],
    ['2026-11-25 20:00:00', '2026-11-25T20:00:00.000Z'],
    ['2026-11-25T20:00', '2026-11-25T20:00:00.000Z'],
  ])('parses %s', (text, iso) => {
    expect(parseTimestamp(text)?.toISOString()).toBe(iso);
  });

  it.each([['2026-02-30 10:00:00'], ['yesterday'], ['2026-11-25 25:00:00'], ['']])('refuses %s', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });
});
