import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from './user.entity';

/**
 * One login's chain of refresh tokens. Its revocation lives here, not only on token rows, and
 * the row is kept until the family's last token expires (`expires_at`), so purging old token
 * rows can never bring a revoked family back. Rotation locks this row.
 */
@Entity({ name: 'refresh_token_families' })
export class RefreshTokenFamily {
  @PrimaryColumn({ name: 'family_id', type: 'varchar', length: 64 })
  familyId!: string;

  @Index('IDX_refresh_token_families_user_id')
  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** When the newest token of the family expires; the row may go after that. */
  @Index('IDX_refresh_token_families_expires_at')
  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
