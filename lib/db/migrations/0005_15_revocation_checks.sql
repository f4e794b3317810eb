CREATE TABLE "pki_fetch_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"body" text NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "revocation_checks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"submission_id" uuid NOT NULL,
	"fingerprint_sha256" text NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"url" text,
	"why" text,
	"detail" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"reason" text,
	"trigger" text NOT NULL,
	"checked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "revocation_checks" ADD CONSTRAINT "revocation_checks_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pki_fetch_cache_expires" ON "pki_fetch_cache" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "revocation_checks_submission" ON "revocation_checks" USING btree ("submission_id","checked_at");