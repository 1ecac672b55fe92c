-- Typo-tolerant search: when full-text search finds (almost) nothing, the service falls back to
-- trigram word similarity (pg_trgm) on name, cuisine and city. One generated column holds the three
-- so that one GIN trigram index serves them all (an expression index is not something Prisma can
-- declare; a generated column declared as Unsupported with its expression as dbgenerated default
-- keeps `migrate diff` empty, as for `search` and `earth` in the init migration).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE "restaurants"
    ADD COLUMN "fuzzy" text GENERATED ALWAYS AS ("name" || ' ' || "cuisine" || ' ' || "city") STORED;

-- CreateIndex
CREATE INDEX "restaurants_fuzzy_idx" ON "restaurants" USING GIN ("fuzzy" gin_trgm_ops);
