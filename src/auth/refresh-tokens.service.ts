import { randomUUID } from 'node:crypto';
import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, LessThan, Repository } from 'typeorm';
import { RefreshToken } from './refresh-token.entity';
import { RefreshTokenFamily } from './refresh-token-family.entity';
import { TOKEN_ERRORS, TokenClaims, TokenSubject } from './token-claims';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

export interface TokenPair {
  readonly access: string;
  readonly refresh: string;
}

type Rotation = { pair: TokenPair } | { reused: true } | { revoked: true };

/**
 * Refresh tokens with rotation and reuse detection. Each refresh token can be used once; the
 * use issues the next pair in the same family. Presenting a used token again means it was
 * copied, so the whole family (the thief's and the owner's tokens) is revoked, in the database,
 * so a restart does not forget it. The revocation is a property of the family's row, which
 * outlives every token of the family; each rotation holds that row locked.
 */
@Injectable()
export class RefreshTokensService {
  private readonly logger = new Logger(RefreshTokensService.name);
  /** SQLite has one connection and no row locks: rotations there take turns in this process. */
  private sqliteTurn: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @InjectRepository(RefreshTokenFamily) private readonly families: Repository<RefreshTokenFamily>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
  ) {}

  /** A new login: a new family. The user's expired rows go at the same time, so the tables stay small. */
  async issuePair(user: TokenSubject): Promise<TokenPair> {
    const now = new Date();
    // An expired token fails verification before its row is read, so its row is no longer
    // needed; a family (and its revocation) goes only once its newest token has expired too.
    await this.refreshTokens.delete({ userId: user.id, expiresAt: LessThan(now) });
    await this.families.delete({ userId: user.id, expiresAt: LessThan(now) });
    const familyId = randomUUID();
    return this.dataSource.transaction(async (manager) => {
      await manager.insert(RefreshTokenFamily, {
        familyId,
        userId: user.id,
        expiresAt: now,
        revokedAt: null,
      });
      return this.issueInFamily(manager, user, familyId);
    });
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
    const result = await this.inFamilyTurn(row.familyId, (manager) => this.rotateLocked(manager, user, row));
    if ('pair' in result) return result.pair;
    if ('reused' in result) {
      this.logger.warn(`refresh token reused: revoked family ${row.familyId} of user ${row.userId}`);
    }
    throw new UnauthorizedException(TOKEN_ERRORS.revoked);
  }

  /** For `POST /api/token/verify/`: signature and expiry, and for refresh tokens, not used or revoked. */
  async verifyAny(token: string): Promise<TokenClaims> {
    const claims = await this.tokens.verify(token, null);
    if (claims.token_type === 'refresh') {
      const row = await this.refreshTokens.findOneBy({ jti: claims.jti });
      const family = row ? await this.families.findOneBy({ familyId: row.familyId }) : null;
      if (!row || row.revokedAt || row.usedAt || !family || family.revokedAt) {
        throw new UnauthorizedException(TOKEN_ERRORS.revoked);
      }
    }
    return claims;
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.inFamilyTurn(familyId, (manager) => this.revokeLocked(manager, familyId));
  }

  /** Runs `work` in a transaction holding the family's row locked (PostgreSQL), or in turn (SQLite). */
  private inFamilyTurn<T>(familyId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const locked = () =>
      this.dataSource.transaction(async (manager) => {
        if (this.dataSource.options.type === 'postgres') {
          await manager.query('SELECT 1 FROM refresh_token_families WHERE family_id = $1 FOR UPDATE', [
            familyId,
          ]);
        }
        return work(manager);
      });
    if (this.dataSource.options.type === 'postgres') return locked();
    const turn = this.sqliteTurn.then(locked, locked);
    this.sqliteTurn = turn.catch(() => undefined);
    return turn;
  }

  private async rotateLocked(
    manager: EntityManager,
    user: TokenSubject,
    row: RefreshToken,
  ): Promise<Rotation> {
    const family = await manager.findOneBy(RefreshTokenFamily, { familyId: row.familyId });
    if (!family || family.revokedAt) return { revoked: true };
    const marked = await manager
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ usedAt: new Date() })
      .where('jti = :jti AND used_at IS NULL AND revoked_at IS NULL', { jti: row.jti })
      .execute();
    if (marked.affected !== 1) {
      await this.revokeLocked(manager, row.familyId);
      return { reused: true };
    }
    return { pair: await this.issueInFamily(manager, user, row.familyId, row.jti) };
  }

  private async revokeLocked(manager: EntityManager, familyId: string): Promise<void> {
    const now = new Date();
    await manager.update(RefreshTokenFamily, { familyId, revokedAt: IsNull() }, { revokedAt: now });
    // The token rows say it too, for whoever reads the table; the family row is what counts.
    await manager
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ revokedAt: now })
      .where('family_id = :familyId AND revoked_at IS NULL', { familyId })
      .execute();
  }

  /**
   * Deletes up to `limit` rows whose expiry is before `before`: token rows first (used, revoked or
   * not: such a token fails verification before its row is read), then families, which carry the
   * revocation and go only once their newest token has expired too. Rows of unexpired used tokens
   * stay, because presenting one again is how a stolen token is detected. Returns the count.
   */
  async deleteExpired(before: Date, limit: number): Promise<number> {
    const tokens = await this.refreshTokens.find({
      select: { jti: true },
      where: { expiresAt: LessThan(before) },
      take: limit,
    });
    if (tokens.length > 0) await this.refreshTokens.delete({ jti: In(tokens.map((row) => row.jti)) });
    if (tokens.length === limit) return tokens.length;
    const families = await this.families.find({
      select: { familyId: true },
      where: { expiresAt: LessThan(before) },
      take: limit - tokens.length,
    });
    if (families.length > 0)
      await this.families.delete({ familyId: In(families.map((row) => row.familyId)) });
    return tokens.length + families.length;
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
    // The family lives as long as its newest token (rotation holds the row, so this only grows).
    await manager.update(RefreshTokenFamily, { familyId }, { expiresAt: refresh.expiresAt });
    if (previous) await manager.update(RefreshToken, { jti: previous }, { replacedBy: refresh.jti });
    return { access: access.token, refresh: refresh.token };
  }
}
