/**
 * File names are chosen by the uploader and shown to reviewers and offered as download names:
 * bidirectional controls (U+202A–U+202E, U+2066–U+2069), every other Unicode format character (Cf)
 * and C0/C1 controls are stripped from stored and served names, upload and zip member names alike
 * (issue 10, item 8). "invoice\u202Egpj.exe" must not read as "invoiceexe.jpg".
 */
import { eq } from "drizzle-orm";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { submissionFiles } from "@/lib/db";
import { cleanFileName, intake } from "@/lib/intake";
import { createSubmission } from "./create-submission";
import { downloadFile } from "./download-file";
import { safeDisplayName } from "./stored-files";
import { acmeChain, asUser, setupHarness } from "./testing";

const h = setupHarness();

const INVISIBLE = [
  ..."\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069", // bidi embeddings, overrides, isolates
  ..."\u200b\u200c\u200d\u200e\u200f\u00ad\ufeff\u2060\u061c", // zero-width, marks, soft hyphen, BOM, word joiner, Arabic letter mark
  ..."\u0000\u0001\u0009\u000a\u000d\u001b\u007f\u0080\u0085\u009b\u009f", // C0, DEL, C1 (NEL, CSI)
  ..."\u2028\u2029",
];
const HOSTILE = `invoice${INVISIBLE.join("")}\u202Egpj.pem`;

describe("file names without invisible characters", () => {
  it("strips every bidi control, format character and C0/C1 control, and keeps visible Unicode", () => {
    for (const c of INVISIBLE) expect(cleanFileName(`a${c}b.pem`)).toBe("ab.pem");
    expect(cleanFileName(HOSTILE)).toBe("invoicegpj.pem");
    expect(safeDisplayName(`C:\\Users\\ada\\${HOSTILE}`)).toBe("invoicegpj.pem");
    expect(safeDisplayName("Zertifikat für Café ✓ 证书.pem")).toBe("Zertifikat für Café ✓ 证书.pem");
    expect(safeDisplayName("\u202e\u2066")).toBe("upload");
  });

  it("cleans zip member names before they reach findings and item sources", async () => {
    const chain = await acmeChain("names-zip");
    const z = new JSZip();
    z.file(`certs/leaf\u2067${"\u202e"}mep.pem`, chain.leaf.pem);
    z.file("notes\u200b.txt", "hello\n");
    const r = await intake([{ name: `chain\u202e.zip`, bytes: await z.generateAsync({ type: "uint8array" }) }]);
    expect(r.items[0]!.source).toMatchObject({ file: "chain.zip", entry: "certs/leafmep.pem" });
    const text = r.findings.map((f) => f.message).join("\n");
    expect(text).toContain('"notes.txt" in "chain.zip"');
    expect(text).not.toMatch(/[\u200b\u202e\u2067]/);
  });

  it("stores the uploaded name clean and serves it clean (Content-Disposition), also for a name stored before", async () => {
    const { db, storage, now, users, apps } = h.current;
    const chain = await acmeChain("names");
    const result = await createSubmission({ db, storage, now }, {
      actor: asUser(users.acme),
      appId: apps.acmeCheckout,
      environmentKey: "stage",
      files: [{ name: HOSTILE, bytes: new TextEncoder().encode(chain.leaf.pem + chain.ica.pem + chain.root.pem) }],
    });
    expect(result.outcome).toBe("created");
    if (result.outcome !== "created") return;
    const rows = await db.select().from(submissionFiles).where(eq(submissionFiles.submissionId, result.submission.id));
    const original = rows.find((r) => r.kind === "original")!;
    expect(original.name).toBe("invoicegpj.pem");

    // A row written before names were cleaned: the download still offers a clean name.
    // (Postgres text holds no NUL, so the legacy name keeps the bidi and format characters only.)
    await db.update(submissionFiles).set({ name: HOSTILE.replace(/\p{Cc}/gu, "") }).where(eq(submissionFiles.id, original.id));
    const file = await downloadFile({ db, storage, now }, { actor: asUser(users.acme), submissionId: result.submission.id, fileId: original.id });
    expect(file.name).toBe("invoicegpj.pem");
  });
});
