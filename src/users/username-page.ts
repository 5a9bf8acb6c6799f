import { ObjectLiteral, Repository } from 'typeorm';

export interface UsernamePageQuery {
  /** Usernames containing this, in any case; every user when absent. */
  readonly search?: string;
  readonly limit: number;
  readonly offset: number;
}

/**
 * A page of an entity with a `username` column, by username, and how many match in all: the
 * login service's users and a verify-only service's replica of them list alike.
 */
export async function pageByUsername<T extends ObjectLiteral>(
  repository: Repository<T>,
  query: UsernamePageQuery,
): Promise<{ count: number; users: T[] }> {
  const builder = repository
    .createQueryBuilder('account')
    .orderBy('account.username', 'ASC')
    .take(query.limit)
    .skip(query.offset);
  if (query.search) {
    // LIKE's own wildcards in the search are matched literally.
    builder.where("LOWER(account.username) LIKE :pattern ESCAPE '\\'", {
      pattern: `%${query.search.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`,
    });
  }
  const [users, count] = await builder.getManyAndCount();
  return { count, users };
}
