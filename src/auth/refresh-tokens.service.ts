import { randomUUID } from 'node:crypto';
import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, LessThan, Not, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';
import { TOKEN_ERRORS, TokenClaims, TokenSubject } from './token-claims';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

export interface TokenPair {
  readonly access: string;
  readonly refresh: string;
}

/**
 * Refresh tokens with rotation and reuse detection. Each refresh token can be used once; the
 * use issues the next pair in the same family. Presenting a used token again means it was
 * copied, so the whole family (the thief's and the owner's tokens) is revoked, in the database,
 * so a restart does not forget it.
 */
@Injectable()
export class RefreshTokensService {
  private readonly logger = new Logger(RefreshTokensService.name);

  constructor(
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  /** A new login: a new family. The user's expired rows go at the same time, so the table stays small. */
  async issuePair(user: TokenSubject): Promise<TokenPair> {
    // An expired token fails signature-time checks before its row is read, so its row (and
    // its revocation) is no longer needed.
    await this.refreshTokens.delete({ userId: user.id, expiresAt: LessThan(new Date()) });
    return this.dataSource.transaction((manager) => this.issueInFamily(manager, user, randomUUID()));
  }

  /** Uses `refreshToken` once and returns the next pair, or 401 `token revoked`. */
  async rotate(refreshToken: string): Promise<TokenPair> {
    const claims = await this.tokens.verify(refreshToken, 'refresh');
    const row = await this.refreshTokens.findOneBy({ jti: claims.jti });
    if (!row || row.revokedAt) throw new UnauthorizedException(TOKEN_ERRORS.revoked);
    const user = await this.users.findActive(row.userId);
    if (!user) {
      await this.revokeFamily(row.familyId);
      throw new UnauthorizedException(TOKEN_ERRORS.revoked);
    }
    // Mark-then-issue in one transaction. A second use of the same token waits on the row
    // (PostgreSQL) and then finds used_at set. SQLite shares one connection, so a concurrent
    // revocation can land before this insert: hence "a family with any revoked token is dead"
    // is checked here and in verifyAny, not only the token's own row.
    const pair = await this.dataSource.transaction(async (manager) => {
      const marked = await manager
        .createQueryBuilder()
        .update(RefreshToken)
        .set({ usedAt: new Date() })
        .where('jti = :jti AND used_at IS NULL AND revoked_at IS NULL', { jti: row.jti })
        .andWhere(
          'NOT EXISTS (SELECT 1 FROM refresh_tokens revoked WHERE revoked.family_id = :familyId AND revoked.revoked_at IS NOT NULL)',
          { familyId: row.familyId },
        )
        .execute();
      if (marked.affected !== 1) return null;
      return this.issueInFamily(manager, user, row.familyId, row.jti);
    });
    if (!pair) {
      await this.revokeFamily(row.familyId);
      this.logger.warn(`refresh token reused: revoked family ${row.familyId} of user ${row.userId}`);
      throw new UnauthorizedException(TOKEN_ERRORS.revoked);
    }
    return pair;
  }

  /** For `POST /api/token/verify/`: signature and expiry, and for refresh tokens, not used or revoked. */
  async verifyAny(token: string): Promise<TokenClaims> {
    const claims = await this.tokens.verify(token, null);
    if (claims.token_type === 'refresh') {
      const row = await this.refreshTokens.findOneBy({ jti: claims.jti });
      if (!row || row.revokedAt || row.usedAt || (await this.isFamilyRevoked(row.familyId))) {
        throw new UnauthorizedException(TOKEN_ERRORS.revoked);
      }
    }
    return claims;
  }

  private async isFamilyRevoked(familyId: string): Promise<boolean> {
    return this.refreshTokens.exists({ where: { familyId, revokedAt: Not(IsNull()) } });
  }

  /**
   * Deletes up to `limit` rows whose token expired before `before` (used, revoked or not): such a
   * token fails verification before its row is read. Rows of unexpired used tokens stay, because
   * presenting one again is how a stolen token is detected. Returns how many were deleted.
   */
  async deleteExpired(before: Date, limit: number): Promise<number> {
    const expired = await this.refreshTokens.find({
      select: { jti: true },
      where: { expiresAt: LessThan(before) },
      take: limit,
    });
    if (expired.length === 0) return 0;
    const result = await this.refreshTokens.delete({ jti: In(expired.map((row) => row.jti)) });
    return result.affected ?? expired.length;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.refreshTokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async issueInFamily(
    manager: EntityManager,
    user: TokenSubject,
    familyId: string,
    previous?: string,
  ): Promise<TokenPair> {
    const subject: TokenSubject = { id: user.id, username: user.username, roles: user.roles };
    const [access, refresh] = await Promise.all([
      this.tokens.issue(subject, 'access'),
      this.tokens.issue(subject, 'refresh'),
    ]);
    await manager.insert(RefreshToken, {
      jti: refresh.jti,
      familyId,
      userId: user.id,
      expiresAt: refresh.expiresAt,
      usedAt: null,
      replacedBy: null,
      revokedAt: null,
    });
    if (previous) await manager.update(RefreshToken, { jti: previous }, { replacedBy: refresh.jti });
    return { access: access.token, refresh: refresh.token };
  }
}
