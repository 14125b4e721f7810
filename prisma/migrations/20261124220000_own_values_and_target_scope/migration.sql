-- AlterEnum
ALTER TYPE "TargetComparator" ADD VALUE 'GT';
ALTER TYPE "TargetComparator" ADD VALUE 'LT';

-- CreateEnum
CREATE TYPE "TargetAppliesTo" AS ENUM ('LEVEL_AGGREGATE', 'LEVEL_EACH', 'UNIT_SUBTREE', 'UNIT_OWN');

-- AlterTable
ALTER TABLE "targets" ADD COLUMN "applies_to" "TargetAppliesTo" NOT NULL DEFAULT 'LEVEL_EACH',
ADD COLUMN "period_start" DATE;

-- A target for one unit was judged on its subtree until now.
UPDATE "targets" SET "applies_to" = 'UNIT_SUBTREE' WHERE "unit_id" IS NOT NULL;

-- DropIndex
DROP INDEX "targets_indicator_id_tier_unit_id_resolution_id_key";

-- CreateIndex
CREATE UNIQUE INDEX "targets_indicator_id_applies_to_tier_unit_id_resolution_id__key" ON "targets"("indicator_id", "applies_to", "tier", "unit_id", "resolution_id", "deadline");

-- AlterTable
ALTER TABLE "indicator_snapshots" ADD COLUMN "own_value" DOUBLE PRECISION,
ADD COLUMN "own_numerator" DOUBLE PRECISION,
ADD COLUMN "own_denominator" DOUBLE PRECISION;
