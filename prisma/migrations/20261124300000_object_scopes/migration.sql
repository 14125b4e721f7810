-- Alert rules and silences belong to their author's unit (issue 13): scope checks and silence confinement.
ALTER TABLE "alert_rules" ADD COLUMN "unit_id" UUID;
ALTER TABLE "silences" ADD COLUMN "unit_id" UUID;

-- Existing silences belong to their author's unit; those without a known author stay province-wide (NULL).
UPDATE "silences" AS s SET "unit_id" = u."unit_id" FROM "users" AS u WHERE s."created_by_id" = u."id";

-- CreateIndex
CREATE INDEX "alert_rules_unit_id_idx" ON "alert_rules"("unit_id");

-- CreateIndex
CREATE INDEX "silences_unit_id_idx" ON "silences"("unit_id");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "silences" ADD CONSTRAINT "silences_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;
