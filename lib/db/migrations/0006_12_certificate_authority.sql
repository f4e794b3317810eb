CREATE TABLE "ca_issuances" (
	"submission_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"self_check" jsonb,
	"detail" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificate_authorities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"program_id" text NOT NULL,
	"environment_key" text NOT NULL,
	"key_spec" text NOT NULL,
	"root_key_ref" text NOT NULL,
	"issuing_key_ref" text NOT NULL,
	"root_pem" text NOT NULL,
	"issuing_pem" text NOT NULL,
	"crl_number" integer DEFAULT 0 NOT NULL,
	"crl_this_update" timestamp with time zone,
	"crl_stale" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "issued_certificates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"authority_id" uuid NOT NULL,
	"submission_id" uuid NOT NULL,
	"organisation_id" uuid NOT NULL,
	"app_id" uuid NOT NULL,
	"environment_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"serial_number" text NOT NULL,
	"subject" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"fingerprint_sha256" text NOT NULL,
	"spki_sha256" text NOT NULL,
	"pem" text NOT NULL,
	"chain_pem" text NOT NULL,
	"status" text DEFAULT 'issued' NOT NULL,
	"revoked_at" timestamp with time zone,
	"crl_reason" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ca_issuances" ADD CONSTRAINT "ca_issuances_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_certificates" ADD CONSTRAINT "issued_certificates_authority_id_certificate_authorities_id_fk" FOREIGN KEY ("authority_id") REFERENCES "public"."certificate_authorities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_certificates" ADD CONSTRAINT "issued_certificates_submission_id_submissions_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."submissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_certificates" ADD CONSTRAINT "issued_certificates_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_certificates" ADD CONSTRAINT "issued_certificates_app_id_developer_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."developer_apps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "issued_certificates" ADD CONSTRAINT "issued_certificates_environment_id_environments_id_fk" FOREIGN KEY ("environment_id") REFERENCES "public"."environments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_authorities_scope" ON "certificate_authorities" USING btree ("program_id","environment_key");--> statement-breakpoint
CREATE UNIQUE INDEX "issued_certificates_serial" ON "issued_certificates" USING btree ("authority_id","serial_number");--> statement-breakpoint
CREATE UNIQUE INDEX "issued_certificates_submission_purpose" ON "issued_certificates" USING btree ("submission_id","purpose");--> statement-breakpoint
CREATE INDEX "issued_certificates_spki" ON "issued_certificates" USING btree ("spki_sha256");