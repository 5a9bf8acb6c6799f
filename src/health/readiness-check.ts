/**
 * Something `/health/ready` depends on (the database, the broker). Lower modules implement it
 * and the app module hands the list to the health module, so health never imports a feature.
 */
export interface ReadinessCheck {
  /** Key in the readiness body, e.g. `database` or `broker`. */
  readonly name: string;
  /** Resolves with optional details when healthy; rejects with a short reason when not. */
  check(): Promise<Record<string, unknown> | void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
