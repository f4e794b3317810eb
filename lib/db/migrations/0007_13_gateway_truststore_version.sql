ALTER TABLE "truststore_versions" ADD COLUMN "s3_version_id" text;--> statement-breakpoint
ALTER TABLE "truststore_versions" ADD COLUMN "gateway_status" text;--> statement-breakpoint
ALTER TABLE "truststore_versions" ADD COLUMN "gateway_warnings" jsonb;--> statement-breakpoint
ALTER TABLE "truststore_versions" ADD COLUMN "gateway_detail" text;--> statement-breakpoint
ALTER TABLE "truststore_versions" ADD COLUMN "gateway_updated_at" timestamp with time zone;