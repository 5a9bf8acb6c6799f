import { createHmac, timingSafeEqual } from 'node:crypto';
import { Message } from 'amqplib';
import { HEADERS, MAX_ROUTING_KEY_BYTES } from './bus.constants';

/** Where a delivery really comes from: its first publish, and how many retries it has had. */
export interface Provenance {
  readonly routingKey: string;
  readonly exchange: string;
  readonly retryCount: number;
}

/**
 * Proves that `x-original-routing-key`, `x-original-exchange` and `x-retry-count` were written by
 * this service's own bus (a retry, a parked message, a `bus:dlq replay`), so a foreign publisher
 * cannot pick another handler or skip retries by sending those headers.
 *
 * Why a MAC and not the delivery path alone: a message back from a delay queue arrives through
 * the default exchange with the service queue as its key, exactly as anything published straight
 * to that queue does, and RabbitMQ (3.x) delivers a publisher's own `x-death` header untouched.
 * The key is derived from SECRET_KEY, which every replica and the CLI already share, so a retry
 * parked by one replica is honoured by the next one and after a restart; no new secret exists.
 */
export class RetrySeal {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    // Domain separation: the same SECRET_KEY also keys other HMACs (login attempts).
    this.key = createHmac('sha256', secretKey).update('bus retry headers v1').digest();
  }

  /** The proof to send in `x-retry-seal` with a copy bound for `queue` (or its delay/DLQ). */
  seal(queue: string, provenance: Provenance, content: Buffer): string {
    return this.mac(queue, provenance, content).toString('base64url');
  }

  /**
   * The provenance a delivery on `queue` carries, when the broker handed it over through the
   * default exchange addressed to `queue` (a delay queue expiring, a replay) and the seal holds;
   * otherwise null, and the delivery counts as a first attempt at the key it was published with.
   */
  open(queue: string, message: Message): Provenance | null {
    const { fields, properties } = message;
    if (fields.exchange !== '' || fields.routingKey !== queue) return null;
    const { headers } = properties;
    const proof: unknown = headers?.[HEADERS.retrySeal];
    if (typeof proof !== 'string' || headers === undefined) return null;
    const provenance = readProvenance(headers);
    if (provenance === null) return null;
    const expected = this.mac(queue, provenance, message.content);
    const given = Buffer.from(proof, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? provenance : null;
  }

  private mac(queue: string, provenance: Provenance, content: Buffer): Buffer {
    // JSON keeps the fields unambiguous whatever bytes a routing key holds; the body is bound
    // too, so a seal seen on one message cannot be moved onto another.
    const fields = JSON.stringify([queue, provenance.exchange, provenance.routingKey, provenance.retryCount]);
    return createHmac('sha256', this.key).update(fields).update('\n').update(content).digest();
  }
}

function readProvenance(headers: Record<string, unknown>): Provenance | null {
  const routingKey = headers[HEADERS.originalRoutingKey];
  const exchange = headers[HEADERS.originalExchange];
  const retryCount = headers[HEADERS.retryCount] ?? 0;
  if (typeof routingKey !== 'string' || typeof exchange !== 'string') return null;
  if (Buffer.byteLength(routingKey) > MAX_ROUTING_KEY_BYTES) return null;
  if (Buffer.byteLength(exchange) > MAX_ROUTING_KEY_BYTES) return null;
  if (typeof retryCount !== 'number' || !Number.isSafeInteger(retryCount) || retryCount < 0) return null;
  return { routingKey, exchange, retryCount };
}

/** The delivery as the broker handed it over: a first attempt at its own key. */
export function deliveredProvenance(message: Message): Provenance {
  return { routingKey: message.fields.routingKey, exchange: message.fields.exchange, retryCount: 0 };
}
