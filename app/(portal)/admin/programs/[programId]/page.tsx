import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { programHelpHref } from "@/lib/help/links";
import { requireRole } from "@/lib/auth/session";
import { pageSegments } from "@/lib/http/route-params";
import { getDb } from "@/lib/db";
import { listProgramVersions } from "@/lib/admin/lists";
import { Breadcrumbs, PageHeader } from "@/app/_components/ui";
import { DataTable, Facts } from "@/app/_components/data-table";

export const metadata: Metadata = { title: "Program" };

type Definition = {
  description?: string;
  source?: { provider: string; document: string };
  notes?: string[];
  rules?: Record<string, unknown>;
  environments?: { id: string; label: string; production: boolean; approvals?: number }[];
  trustAnchors?: { mode: string; pems: string[] };
  review?: { targetBusinessDays: number };
};

/** A rule's value in one readable line (objects as compact JSON). */
function ruleValue(value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export default async function ProgramPage({
  params,
  searchParams,
}: {
  params: Promise<{ programId: string }>;
  searchParams: Promise<{ version?: string }>;
}) {
  const viewer = await requireRole("admin");
  const { programId } = pageSegments(await params, { programId: "program-id" });
  const { version } = await searchParams;
  const versions = (await listProgramVersions(await getDb(), { viewer })).filter((p) => p.id === programId);
  const program = versions.find((p) => String(p.version) === version) ?? versions[0];
  if (!program) notFound();
  const def = program.definition as Definition;
  return (
    <>
      <PageHeader title={program.name} intro={def.description}>
        <Breadcrumbs items={[{ href: "/admin/programs", label: "Programs" }, { label: `${program.id} v${program.version}` }]} />
      </PageHeader>
      {/* Issue 16 item 9: the program's entry in the help, as partners read it. */}
      <p>
        <Link href={programHelpHref(program.id)}>How partners read this program (help)</Link>
      </p>

      <section className="card" aria-labelledby="about">
        <h2 id="about">About</h2>
        <Facts
          items={[
            { term: "Id", value: program.id, mono: true },
            {
              term: "Version",
              value: `${program.version}${versions.length > 1 ? ` (versions stored: ${versions.map((v) => v.version).join(", ")})` : ""}`,
            },
            def.source && { term: "Source", value: `${def.source.provider} — ${def.source.document}` },
            def.trustAnchors && {
              term: "Trust anchors",
              value: def.trustAnchors.mode === "public" ? "Public roots shipped with Node" : `${def.trustAnchors.mode}: ${def.trustAnchors.pems.length} PEM(s)`,
            },
            def.review && { term: "Review target", value: `${def.review.targetBusinessDays} business days` },
          ]}
        />
      </section>

      {/* No accessible name on the section: the table region carries it (axe landmark-unique, issue 16). */}
      <section>
        <h2 id="environments">Environments</h2>
        <DataTable
          label="Environments"
          rows={def.environments ?? []}
          rowKey={(e) => e.id}
          columns={[
            { header: "Key", primary: true, kind: "code", cell: (e) => e.id },
            { header: "Label", cell: (e) => e.label },
            { header: "Production", cell: (e) => (e.production ? "Yes" : "No") },
            { header: "Approvals", kind: "number", cell: (e) => e.approvals ?? (e.production ? 2 : 1) },
          ]}
        />
      </section>

      <section>
        <h2 id="rules">Rules</h2>
        <DataTable
          label="Rules"
          rows={Object.entries(def.rules ?? {})}
          rowKey={([name]) => name}
          columns={[
            { header: "Rule", primary: true, kind: "code", cell: ([name]) => name },
            { header: "Setting", kind: "code", cell: ([, value]) => ruleValue(value) },
          ]}
        />
      </section>

      {def.notes && def.notes.length > 0 ? (
        <section aria-labelledby="notes">
          <h2 id="notes">Reading notes</h2>
          <ul>
            {def.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="json">
        <h2 id="json">Definition (JSON)</h2>
        <details>
          <summary>Show the program exactly as stored</summary>
          <pre>{JSON.stringify(program.definition, null, 2)}</pre>
        </details>
      </section>
    </>
  );
}
