import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One login-limit window shared by every replica (LOGIN_RATE_LIMIT_STORE=database). The id is
 * an HMAC of the kind and the client address or username, so neither is stored.
 */
@Entity({ name: 'login_attempts' })
export class LoginAttempt {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'integer' })
  attempts!: number;

  /** Milliseconds since the epoch: one clock for both databases, no time-zone conversion. */
  @Index('IDX_login_attempts_window_ends_at')
  @Column({ name: 'window_ends_at', type: 'bigint' })
  windowEndsAt!: string;
}
