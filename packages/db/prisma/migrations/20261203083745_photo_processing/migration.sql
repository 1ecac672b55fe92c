-- AlterTable
ALTER TABLE "photos" ADD COLUMN     "height" INTEGER,
ADD COLUMN     "last_error" TEXT,
ADD COLUMN     "processed_at" TIMESTAMPTZ(3),
ADD COLUMN     "sha256" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "width" INTEGER;
