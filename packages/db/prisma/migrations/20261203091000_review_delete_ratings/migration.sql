-- Deleting a user deletes their reviews through the foreign key (ON DELETE CASCADE), which no
-- service code sees, so the restaurants' rating_avg / rating_count would keep counting them. This
-- trigger recomputes the aggregates of every restaurant that lost reviews, once per statement (a
-- transition table holds the deleted rows), whoever deletes: a cascade, an admin's SQL, or the
-- restaurant-service (which recomputes in its own transaction too; the second pass finds the same
-- numbers). Triggers are invisible to Prisma, so `migrate diff` stays empty.
CREATE FUNCTION "restaurants_recompute_ratings_after_review_delete"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Lock the restaurants in id order first, so that two statements deleting reviews of the same
    -- restaurants (two users deleted at once) wait for each other instead of deadlocking.
    PERFORM 1 FROM "restaurants"
     WHERE "id" IN (SELECT "restaurant_id" FROM "deleted_reviews")
     ORDER BY "id"
       FOR UPDATE;
    UPDATE "restaurants" AS r
       SET "rating_avg" = COALESCE(aggregate.average, 0),
           "rating_count" = aggregate.count
      FROM (SELECT DISTINCT "restaurant_id" FROM "deleted_reviews") AS changed
      CROSS JOIN LATERAL (
            SELECT AVG("rating")::real AS average, COUNT(*)::int AS count
              FROM "reviews"
             WHERE "restaurant_id" = changed."restaurant_id"
           ) AS aggregate
     WHERE r."id" = changed."restaurant_id";
    RETURN NULL;
END
$$;

CREATE TRIGGER "reviews_recompute_ratings_after_delete"
    AFTER DELETE ON "reviews"
    REFERENCING OLD TABLE AS "deleted_reviews"
    FOR EACH STATEMENT
    EXECUTE FUNCTION "restaurants_recompute_ratings_after_review_delete"();
