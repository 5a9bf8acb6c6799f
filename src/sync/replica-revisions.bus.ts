import { INestApplicationContext } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BusClient } from '../bus/bus.client';
import { RemoteHandlerError, RpcTimeoutError } from '../bus/bus.errors';
import { BusServer } from '../bus/bus.server';
import { Settings, SETTINGS } from '../settings/settings';
import { InstancePk } from './cqrs-message';
import {
  MAX_REVISIONS_PAGE,
  ReplicaRevisionSource,
  ReplicaTableReader,
  RevisionLookup,
  RevisionPage,
} from './replica-revisions';
import { SyncRegistry } from './sync.registry';

/**
 * The request a master's `sync:diff` sends to one replica service, on the bus exchange with the
 * routing key `sync.revisions.<queue>` (only that service's queue binds it), answered over
 * direct reply-to. Paged, so neither side holds a whole table: `lookup` asks for the revisions
 * of the pks the master has, `page` walks every replica row to find what the master lacks.
 */
export type RevisionsRequest =
  | { readonly cqrs_id: string; readonly op: 'lookup'; readonly pks: InstancePk[] }
  | {
      readonly cqrs_id: string;
      readonly op: 'page';
      readonly after: InstancePk | null;
      readonly limit: number;
    };

export function replicaRevisionsPattern(queue: string): string {
  return `sync.revisions.${queue}`;
}

/** A request this replica cannot answer (its `code` on the wire is the class name). */
export class InvalidRevisionsRequestError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'InvalidRevisionsRequestError';
  }
}

/**
 * Makes a replica service answer `sync.revisions.<its queue>` for every `cqrs_id` it replicates.
 * Called by connectSync on every service that declares a replica, before the bus starts.
 */
export function answerReplicaRevisions(app: INestApplicationContext, server: BusServer): void {
  const registry = app.get(SyncRegistry);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  const { queue } = app.get<Settings>(SETTINGS).bus;
  const readers = new Map<string, ReplicaTableReader>();
  const readerFor = (cqrsId: string): ReplicaTableReader => {
    let reader = readers.get(cqrsId);
    if (!reader) {
      const definition = registry.replica(cqrsId);
      if (!definition)
        throw new InvalidRevisionsRequestError(`service ${queue} has no replica of cqrs_id "${cqrsId}"`);
      const metadata = dataSource.getMetadata(definition.entity);
      reader = new ReplicaTableReader(
        dataSource,
        metadata.tablePath,
        metadata.primaryColumns[0].databaseName,
      );
      readers.set(cqrsId, reader);
    }
    return reader;
  };
  server.addHandler(
    replicaRevisionsPattern(queue),
    async (data: unknown): Promise<RevisionLookup | RevisionPage> => {
      const request = parseRevisionsRequest(data);
      const reader = readerFor(request.cqrs_id);
      return request.op === 'lookup'
        ? reader.lookup(request.cqrs_id, request.pks)
        : reader.page(request.cqrs_id, request.after, request.limit);
    },
    false,
  );
}

export function parseRevisionsRequest(data: unknown): RevisionsRequest {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const cqrsId = body.cqrs_id;
  if (typeof cqrsId !== 'string' || cqrsId === '')
    throw new InvalidRevisionsRequestError('cqrs_id must be a non-empty string');
  if (body.op === 'lookup') {
    const pks = body.pks;
    if (!Array.isArray(pks) || pks.length > MAX_REVISIONS_PAGE || !pks.every(isPk))
      throw new InvalidRevisionsRequestError(`pks must be an array of at most ${MAX_REVISIONS_PAGE} pks`);
    return { cqrs_id: cqrsId, op: 'lookup', pks };
  }
  if (body.op === 'page') {
    const { after, limit } = body;
    if (after !== null && !isPk(after)) throw new InvalidRevisionsRequestError('after must be a pk or null');
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_REVISIONS_PAGE)
      throw new InvalidRevisionsRequestError(`limit must be a whole number from 1 to ${MAX_REVISIONS_PAGE}`);
    return { cqrs_id: cqrsId, op: 'page', after, limit };
  }
  throw new InvalidRevisionsRequestError('op must be "lookup" or "page"');
}

function isPk(value: unknown): value is InstancePk {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** The replica service did not answer: not running, not built from this template, or elsewhere. */
export class ReplicaUnreachableError extends Error {
  constructor(queue: string, timeoutMs: number) {
    super(
      `replica ${queue} did not answer sync.revisions.${queue} within ${timeoutMs} ms: is it running and built from this template? ` +
        '(a Django replica: use --replica-database-url, or pipe sync:diff-master into its cqrs_diff_replica)',
    );
    this.name = 'ReplicaUnreachableError';
  }
}

/** Asks a replica service over the bus (works in a cluster without the replica's credentials). */
export class BusReplicaRevisions implements ReplicaRevisionSource {
  readonly description: string;

  constructor(
    private readonly bus: BusClient,
    private readonly queue: string,
    private readonly timeoutMs?: number,
  ) {
    this.description = `replica ${queue}`;
  }

  lookup(cqrsId: string, pks: readonly InstancePk[]): Promise<RevisionLookup> {
    return this.ask<RevisionLookup>({ cqrs_id: cqrsId, op: 'lookup', pks: [...pks] });
  }

  page(cqrsId: string, after: InstancePk | null, limit: number): Promise<RevisionPage> {
    return this.ask<RevisionPage>({ cqrs_id: cqrsId, op: 'page', after, limit });
  }

  /** The bus client belongs to the caller. */
  async close(): Promise<void> {}

  private async ask<T>(request: RevisionsRequest): Promise<T> {
    try {
      const reply = await this.bus.request<T>(replicaRevisionsPattern(this.queue), request, {
        timeoutMs: this.timeoutMs,
      });
      if (typeof reply !== 'object' || reply === null || !Array.isArray((reply as { rows?: unknown }).rows))
        throw new Error(`replica ${this.queue} sent an unexpected reply to sync.revisions`);
      return reply;
    } catch (error) {
      if (error instanceof RpcTimeoutError) throw new ReplicaUnreachableError(this.queue, error.timeoutMs);
      if (error instanceof RemoteHandlerError)
        throw new Error(`replica ${this.queue} refused the request: ${error.message}`);
      throw error;
    }
  }
}
