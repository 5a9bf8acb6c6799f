import { DataSource } from 'typeorm';
import { MasterDefinition, ResolvedMaster } from './master.definition';
import { MasterRepository } from './master-repository';
import { ReplicaDefinition } from './replica.definition';
import { CQRS_ID_PATTERN } from './sync.constants';
import { SyncTransactions } from './sync-transactions';
import { SyncedColumns } from './synced-columns';

export class SyncRegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyncRegistrationError';
  }
}

/**
 * Every master and replica this service declared, by `cqrs_id`. Sync knows entities only through
 * it: features register (SyncModule.forMaster / forReplica), the relay, applier and sender look up.
 */
export class SyncRegistry {
  private readonly masters = new Map<string, MasterRepository<SyncedColumns>>();
  private readonly replicas = new Map<string, ReplicaDefinition<SyncedColumns>>();

  constructor(
    private readonly dataSource: DataSource,
    readonly transactions: SyncTransactions,
  ) {}

  addMaster<T extends SyncedColumns>(definition: MasterDefinition<T>): MasterRepository<T> {
    checkCqrsId(definition.cqrsId);
    if (this.masters.has(definition.cqrsId))
      throw new SyncRegistrationError(`cqrs_id "${definition.cqrsId}" already has a master`);
    const repository = new MasterRepository(
      new ResolvedMaster(definition, this.dataSource),
      this.transactions,
    );
    this.masters.set(definition.cqrsId, repository as unknown as MasterRepository<SyncedColumns>);
    return repository;
  }

  addReplica<T extends SyncedColumns>(definition: ReplicaDefinition<T>): void {
    checkCqrsId(definition.cqrsId);
    if (this.replicas.has(definition.cqrsId))
      throw new SyncRegistrationError(`cqrs_id "${definition.cqrsId}" already has a replica`);
    this.replicas.set(definition.cqrsId, definition as unknown as ReplicaDefinition<SyncedColumns>);
  }

  master(cqrsId: string): MasterRepository<SyncedColumns> {
    const master = this.masters.get(cqrsId);
    if (!master) throw new SyncRegistrationError(`this service is not the master of cqrs_id "${cqrsId}"`);
    return master;
  }

  replica(cqrsId: string): ReplicaDefinition<SyncedColumns> | undefined {
    return this.replicas.get(cqrsId);
  }

  get masterIds(): string[] {
    return [...this.masters.keys()];
  }

  get replicaIds(): string[] {
    return [...this.replicas.keys()];
  }
}

function checkCqrsId(cqrsId: string): void {
  if (!CQRS_ID_PATTERN.test(cqrsId))
    throw new SyncRegistrationError(
      `cqrs_id "${cqrsId}" must be letters, digits, "_" or "-": it is a literal routing-key word`,
    );
}
