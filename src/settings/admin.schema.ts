import { EnvReader } from './env-reader';

/** The operator console at /admin. */
export interface AdminSettings {
  /** ADMIN_ENABLED: serve /admin at all; when off nothing of the console is even loaded. */
  readonly enabled: boolean;
  /** ADMIN_SESSION_TTL: how long a console login lasts (the cookie and the session in it). */
  readonly sessionTtlSeconds: number;
}

const HOUR = 3_600;

export function parseAdminSettings(env: EnvReader, debug: boolean): AdminSettings {
  return Object.freeze({
    // On while developing; a production service opts in, so no console is exposed by surprise.
    enabled: env.bool('ADMIN_ENABLED', debug),
    sessionTtlSeconds: env.seconds('ADMIN_SESSION_TTL', 8 * HOUR, { min: 60, max: 7 * 24 * HOUR }),
  });
}
