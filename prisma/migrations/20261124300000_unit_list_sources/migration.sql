-- Units loaded from the official list: commune-level special zones (đặc khu), the list's code
-- beside the key, and where each unit comes from.
ALTER TYPE "UnitKind" ADD VALUE 'SPECIAL_ZONE' BEFORE 'FACILITY';

-- AlterTable
ALTER TABLE "administrative_units" ADD COLUMN "official_code" VARCHAR(32),
ADD COLUMN "source" TEXT;

-- CreateIndex
CREATE INDEX "administrative_units_successor_id_idx" ON "administrative_units"("successor_id");
