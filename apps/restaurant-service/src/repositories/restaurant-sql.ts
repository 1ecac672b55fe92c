import { Prisma as PrismaModule } from '@tablestack/db';
import { isPlainSearchQuery } from './plain-search-query.js';

const { sql, raw } = PrismaModule.Prisma;
type Sql = PrismaModule.Prisma.Sql;

/** The card columns (see restaurant-card.ts) aliased to their camelCase names, for raw queries. */
const cardColumns = raw(
  `r.id, r.name, r.cuisine, r.city, r.address, r.description, r.lat, r.lng,
   r.price_level as "priceLevel", r.rating_avg as "ratingAvg", r.rating_count as "ratingCount",
   r.created_at as "createdAt", r.updated_at as "updatedAt"`,
);

/** How a search hit matched: the full-text query, or trigram similarity (a typo). */
export type SearchMatch = 'text' | 'fuzzy';

/**
 * Matches that search ranks, per kind (text, then fuzzy). Ranking reads each candidate's row, so the
 * cap is what keeps a common word's search bounded whatever the table size: at 1M restaurants "pizza"
 * matches 40,000 rows, and ranking all of them took 100-300 ms (bench/README.md). The cost: when more
 * than this many rows match, the best hits are picked among the first matches in the index's (table)
 * order rather than among all of them, and at most this many hits can be paged through.
 */
export const SEARCH_CANDIDATES = 1000;

/** With fewer full-text hits than this, trigram hits (typo tolerance) follow them. */
export const SEARCH_FUZZY_BELOW = 5;

/**
 * Search in two tiers, in one statement.
 *
 * 1. Full text: `websearch_to_tsquery` (quotes, `or`, `-word` work as on a search engine) against the
 *    generated `search` column (GIN index `restaurants_search_idx`), at most `candidates` matches,
 *    ranked by `ts_rank` (name weighs most, then cuisine and city, then description; see the init
 *    migration). The LIMIT sits below the ranking, so the bitmap heap scan stops after `candidates`
 *    rows instead of reading every match.
 * 2. Typos: only for plain queries (isPlainSearchQuery) and only when tier 1 found fewer than
 *    SEARCH_FUZZY_BELOW (a one-time filter: otherwise the scan does not run), restaurants whose name, cuisine or city contains a word like one of the
 *    query (`q <% fuzzy`: pg_trgm word similarity at least `pg_trgm.word_similarity_threshold`, 0.6
 *    by default; GIN trigram index `restaurants_fuzzy_idx`), ranked by that similarity, again among
 *    at most `candidates`. "piza" finds the pizzerias, "sushj" the sushi bars.
 *
 * Text hits come first, then fuzzy ones; ties by id so pages are stable. Only the page's rows are
 * joined back for their card columns.
 */
export function searchSql(
  q: string,
  limit: number,
  offset: number,
  options: { candidates?: number; fuzzy?: boolean } = {},
): Sql {
  const candidates = options.candidates ?? SEARCH_CANDIDATES;
  // 0: the one-time filter is false and the trigram scan never starts.
  const fuzzyBelow = (options.fuzzy ?? isPlainSearchQuery(q)) ? SEARCH_FUZZY_BELOW : 0;
  return sql`
    with query as materialized (select websearch_to_tsquery('english', ${q}) as tsq),
    text_hits as materialized (
      select r.id, ts_rank(r.search, query.tsq) as rank
        from restaurants r, query
       where r.search @@ query.tsq
       limit ${candidates}
    ),
    fuzzy_hits as materialized (
      select r.id, word_similarity(${q}, r.fuzzy) as rank
        from restaurants r
       where (select count(*) from text_hits) < ${fuzzyBelow}
         and ${q} <% r.fuzzy
         and r.id not in (select id from text_hits)
       limit ${candidates}
    ),
    page as (
      select id, rank, 'text' as match, 0 as tier from text_hits
      union all
      select id, rank, 'fuzzy' as match, 1 as tier from fuzzy_hits
      order by tier, rank desc, id
      limit ${limit} offset ${offset}
    )
    select ${cardColumns}, page.rank, page.match
      from page join restaurants r on r.id = page.id
     order by page.tier, page.rank desc, r.id`;
}

/**
 * Restaurants within `radiusM` metres of a point, nearest first, with their distance. One GiST index
 * scan on `restaurants_earth_idx` does both jobs: `earth_box(...) @> earth` bounds it to a cube
 * around the circle (without it, a point with fewer than `limit` neighbours in range would walk the
 * whole index), and `ORDER BY earth <-> point` (cube's distance, a straight line through the earth,
 * which orders like the great-circle distance) returns rows nearest first, so the scan stops after
 * `limit` rows however many lie in the circle. `earth_distance` drops the box's corners and gives
 * the distance. No tie-break on id: a second sort key would make Postgres read and sort every row
 * in the box (measured: 460 ms instead of 1 ms for 5 km in Paris at 1M restaurants).
 */
export function nearbySql(lat: number, lng: number, radiusM: number, limit: number): Sql {
  return sql`
    select ${cardColumns}, earth_distance(ll_to_earth(${lat}, ${lng}), r.earth) as "distanceM"
      from restaurants r
     where earth_box(ll_to_earth(${lat}, ${lng}), ${radiusM}) @> r.earth
       and earth_distance(ll_to_earth(${lat}, ${lng}), r.earth) <= ${radiusM}
     order by r.earth <-> ll_to_earth(${lat}, ${lng})
     limit ${limit}`;
}

/**
 * Locks a restaurant row for the rest of the transaction and returns what cache invalidation needs.
 * Every review write takes this lock first, so concurrent reviews of one restaurant recompute its
 * aggregates one after the other (each sees the other's committed review) and always in the same
 * lock order (restaurant, then review), so they cannot deadlock.
 */
export function lockRestaurantSql(id: string): Sql {
  return sql`select id, city, cuisine from restaurants where id = ${id}::uuid for update`;
}

/** Recomputes a restaurant's rating aggregates from its reviews (index on reviews(restaurant_id, ...)). */
export function recomputeRatingsSql(id: string): Sql {
  return sql`
    update restaurants
       set (rating_avg, rating_count) =
           (select coalesce(avg(rating), 0)::real, count(*)::int from reviews where restaurant_id = ${id}::uuid)
     where id = ${id}::uuid`;
}
