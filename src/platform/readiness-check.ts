/**
 * Something `/health/ready` depends on (the database, the broker). Lower modules implement it
 * and the app module hands the list to the health module, so health never imports a feature.
 */
export interface ReadinessCheck {
  /** Key in the readiness body, e.g. `database` or `broker`. */
  readonly name: string;
  /**
   * false: reported in the body (`status: 'down'` with the reason) but never makes readiness 503.
   * The broker is such a dependency: while it is away the outbox and the publish buffer hold the
   * changes, and taking every pod out of the Service would only add an outage. Default true.
   */
  readonly isCritical?: boolean;
  /** Resolves with optional details when healthy; rejects with a short reason when not. */
  check(): Promise<Record<string, unknown> | void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
