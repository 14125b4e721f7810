-- CreateEnum
CREATE TYPE "UnitTier" AS ENUM ('PROVINCE', 'DISTRICT', 'COMMUNE');

-- CreateEnum
CREATE TYPE "UnitKind" AS ENUM ('PROVINCE', 'DEPARTMENT', 'CITY', 'TOWN', 'DISTRICT', 'WARD', 'COMMUNE', 'TOWNSHIP', 'FACILITY', 'OTHER');

-- CreateEnum
CREATE TYPE "SourceHealth" AS ENUM ('UNKNOWN', 'OK', 'DEGRADED', 'DOWN');

-- CreateEnum
CREATE TYPE "TargetComparator" AS ENUM ('GTE', 'LTE');

-- CreateEnum
CREATE TYPE "SnapshotResolution" AS ENUM ('MINUTE', 'HOUR', 'DAY');

-- CreateEnum
CREATE TYPE "AlertRuleKind" AS ENUM ('THRESHOLD_BELOW', 'THRESHOLD_ABOVE', 'BELOW_TARGET', 'RATE_OF_CHANGE', 'STALE_SOURCE', 'CONNECTOR_DOWN', 'PROJECTED_MISS');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('CRITICAL', 'MAJOR', 'MINOR', 'INFO');

-- CreateEnum
CREATE TYPE "AlertState" AS ENUM ('PENDING', 'FIRING', 'ACKNOWLEDGED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('IN_APP', 'WEB_PUSH', 'WEBHOOK', 'EMAIL');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'LEADER', 'OPERATOR', 'VIEWER', 'DISPLAY');

-- CreateEnum
CREATE TYPE "ActorType" AS ENUM ('USER', 'API_KEY', 'SYSTEM');

-- CreateTable
CREATE TABLE "administrative_units" (
    "id" UUID NOT NULL,
    "code" VARCHAR(32) NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "name_en" VARCHAR(255),
    "kind" "UnitKind" NOT NULL,
    "tier" "UnitTier" NOT NULL,
    "parent_id" UUID,
    "path" VARCHAR(1024) NOT NULL,
    "depth" INTEGER NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "valid_to" TIMESTAMPTZ(3),
    "successor_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "administrative_units_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sources" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "connector_type" VARCHAR(64) NOT NULL,
    "connector_version" VARCHAR(32) NOT NULL,
    "config" JSONB NOT NULL,
    "credentials_encrypted" TEXT,
    "schedule" VARCHAR(128) NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "cursor" JSONB NOT NULL DEFAULT '{}',
    "health" "SourceHealth" NOT NULL DEFAULT 'UNKNOWN',
    "last_success_at" TIMESTAMPTZ(3),
    "last_error_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "lag_seconds" INTEGER,
    "dead_letter_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "sources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_events" (
    "id" BIGSERIAL NOT NULL,
    "idempotency_key" VARCHAR(255) NOT NULL,
    "source_id" UUID NOT NULL,
    "stream" VARCHAR(64) NOT NULL,
    "unit_code" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(128) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "values" JSONB NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "source_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "indicator_definitions" (
    "id" VARCHAR(64) NOT NULL,
    "name_vi" VARCHAR(255) NOT NULL,
    "name_en" VARCHAR(255) NOT NULL,
    "description" TEXT,
    "unit_of_measure" VARCHAR(32) NOT NULL,
    "formula" JSONB NOT NULL,
    "window" JSONB NOT NULL,
    "tiers" "UnitTier"[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "indicator_definitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resolutions" (
    "id" UUID NOT NULL,
    "code" VARCHAR(64) NOT NULL,
    "title" TEXT NOT NULL,
    "issued_by" VARCHAR(255) NOT NULL,
    "issued_at" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "resolutions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "targets" (
    "id" UUID NOT NULL,
    "indicator_id" VARCHAR(64) NOT NULL,
    "tier" "UnitTier",
    "unit_id" UUID,
    "comparator" "TargetComparator" NOT NULL DEFAULT 'GTE',
    "value" DECIMAL(12,4) NOT NULL,
    "deadline" DATE,
    "resolution_id" UUID,
    "note" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "targets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "indicator_snapshots" (
    "id" BIGSERIAL NOT NULL,
    "indicator_id" VARCHAR(64) NOT NULL,
    "unit_id" UUID NOT NULL,
    "resolution" "SnapshotResolution" NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION,
    "numerator" DOUBLE PRECISION,
    "denominator" DOUBLE PRECISION,
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "indicator_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "kind" "AlertRuleKind" NOT NULL,
    "indicator_id" VARCHAR(64),
    "params" JSONB NOT NULL DEFAULT '{}',
    "severity" "AlertSeverity" NOT NULL,
    "scope" JSONB NOT NULL DEFAULT '{}',
    "for_seconds" INTEGER NOT NULL DEFAULT 0,
    "keep_firing_seconds" INTEGER NOT NULL DEFAULT 0,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "fingerprint" VARCHAR(128) NOT NULL,
    "state" "AlertState" NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "value" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION,
    "summary" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "fired_at" TIMESTAMPTZ(3),
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "escalation_level" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_transitions" (
    "id" BIGSERIAL NOT NULL,
    "alert_id" UUID NOT NULL,
    "from_state" "AlertState",
    "to_state" "AlertState" NOT NULL,
    "actor_id" UUID,
    "note" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_comments" (
    "id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "alert_comments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "silences" (
    "id" UUID NOT NULL,
    "matchers" JSONB NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "comment" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "silences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification_deliveries" (
    "id" UUID NOT NULL,
    "dedupe_key" VARCHAR(255) NOT NULL,
    "alert_id" UUID,
    "group_key" VARCHAR(255),
    "user_id" UUID,
    "channel" "NotificationChannel" NOT NULL,
    "destination" VARCHAR(1024) NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "push_subscriptions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "endpoint" VARCHAR(2048) NOT NULL,
    "p256dh" VARCHAR(255) NOT NULL,
    "auth" VARCHAR(255) NOT NULL,
    "user_agent" VARCHAR(512),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    CONSTRAINT "push_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dashboards" (
    "id" UUID NOT NULL,
    "slug" VARCHAR(128) NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "unit_id" UUID NOT NULL,
    "layout" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "dashboards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "username" VARCHAR(128) NOT NULL,
    "display_name" VARCHAR(255) NOT NULL,
    "email" VARCHAR(255),
    "password_hash" TEXT,
    "role" "Role" NOT NULL,
    "unit_id" UUID NOT NULL,
    "locale" VARCHAR(8) NOT NULL DEFAULT 'vi',
    "quiet_hours" JSONB,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "name" VARCHAR(255) NOT NULL,
    "prefix" VARCHAR(32) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,
    "role" "Role" NOT NULL,
    "unit_id" UUID NOT NULL,
    "created_by_id" UUID,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_logs" (
    "id" BIGSERIAL NOT NULL,
    "actor_type" "ActorType" NOT NULL,
    "actor_id" VARCHAR(64),
    "action" VARCHAR(64) NOT NULL,
    "entity_type" VARCHAR(64) NOT NULL,
    "entity_id" VARCHAR(128) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "request_id" VARCHAR(64),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "administrative_units_code_key" ON "administrative_units"("code");

-- CreateIndex
CREATE INDEX "administrative_units_parent_id_idx" ON "administrative_units"("parent_id");

-- CreateIndex
CREATE INDEX "administrative_units_path_idx" ON "administrative_units"("path");

-- CreateIndex
CREATE UNIQUE INDEX "sources_name_key" ON "sources"("name");

-- CreateIndex
CREATE INDEX "sources_connector_type_idx" ON "sources"("connector_type");

-- CreateIndex
CREATE UNIQUE INDEX "source_events_idempotency_key_key" ON "source_events"("idempotency_key");

-- CreateIndex
CREATE INDEX "source_events_kind_occurred_at_idx" ON "source_events"("kind", "occurred_at");

-- CreateIndex
CREATE INDEX "source_events_unit_code_occurred_at_idx" ON "source_events"("unit_code", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "resolutions_code_key" ON "resolutions"("code");

-- CreateIndex
CREATE INDEX "targets_resolution_id_idx" ON "targets"("resolution_id");

-- CreateIndex
CREATE UNIQUE INDEX "targets_indicator_id_tier_unit_id_resolution_id_key" ON "targets"("indicator_id", "tier", "unit_id", "resolution_id");

-- CreateIndex
CREATE INDEX "indicator_snapshots_resolution_bucket_start_idx" ON "indicator_snapshots"("resolution", "bucket_start");

-- CreateIndex
CREATE UNIQUE INDEX "indicator_snapshots_indicator_id_unit_id_resolution_bucket__key" ON "indicator_snapshots"("indicator_id", "unit_id", "resolution", "bucket_start");

-- CreateIndex
CREATE INDEX "alerts_fingerprint_state_idx" ON "alerts"("fingerprint", "state");

-- CreateIndex
CREATE INDEX "alerts_unit_id_state_idx" ON "alerts"("unit_id", "state");

-- CreateIndex
CREATE INDEX "alert_transitions_alert_id_at_idx" ON "alert_transitions"("alert_id", "at");

-- CreateIndex
CREATE INDEX "alert_comments_alert_id_idx" ON "alert_comments"("alert_id");

-- CreateIndex
CREATE INDEX "silences_ends_at_idx" ON "silences"("ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_deliveries_dedupe_key_key" ON "notification_deliveries"("dedupe_key");

-- CreateIndex
CREATE INDEX "notification_deliveries_user_id_created_at_idx" ON "notification_deliveries"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "notification_deliveries_alert_id_idx" ON "notification_deliveries"("alert_id");

-- CreateIndex
CREATE UNIQUE INDEX "push_subscriptions_endpoint_key" ON "push_subscriptions"("endpoint");

-- CreateIndex
CREATE INDEX "push_subscriptions_user_id_idx" ON "push_subscriptions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "dashboards_slug_key" ON "dashboards"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "users_unit_id_idx" ON "users"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_unit_id_idx" ON "api_keys"("unit_id");

-- CreateIndex
CREATE INDEX "audit_logs_entity_type_entity_id_idx" ON "audit_logs"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "audit_logs_at_idx" ON "audit_logs"("at");

-- AddForeignKey
ALTER TABLE "administrative_units" ADD CONSTRAINT "administrative_units_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "administrative_units"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "administrative_units" ADD CONSTRAINT "administrative_units_successor_id_fkey" FOREIGN KEY ("successor_id") REFERENCES "administrative_units"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_events" ADD CONSTRAINT "source_events_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "sources"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "targets" ADD CONSTRAINT "targets_indicator_id_fkey" FOREIGN KEY ("indicator_id") REFERENCES "indicator_definitions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "targets" ADD CONSTRAINT "targets_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "targets" ADD CONSTRAINT "targets_resolution_id_fkey" FOREIGN KEY ("resolution_id") REFERENCES "resolutions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "indicator_snapshots" ADD CONSTRAINT "indicator_snapshots_indicator_id_fkey" FOREIGN KEY ("indicator_id") REFERENCES "indicator_definitions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "indicator_snapshots" ADD CONSTRAINT "indicator_snapshots_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_indicator_id_fkey" FOREIGN KEY ("indicator_id") REFERENCES "indicator_definitions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_acknowledged_by_id_fkey" FOREIGN KEY ("acknowledged_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_transitions" ADD CONSTRAINT "alert_transitions_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_comments" ADD CONSTRAINT "alert_comments_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_comments" ADD CONSTRAINT "alert_comments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dashboards" ADD CONSTRAINT "dashboards_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "administrative_units"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
