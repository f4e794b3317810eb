import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { intake, type IntakeResult } from "./index";
import path from "node:path";
// shared/ sits beside the repository (locally and in CI).
const SHARED = path.resolve(import.meta.dirname, "../../../shared");

const CERTS = SHARED + "/testdata/certs";
const read = (p: string): Uint8Array => new Uint8Array(readFileSync(`${CERTS}/${p}`));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const file = (name: string, bytes: Uint8Array | string) => ({ name, bytes: typeof bytes === "string" ? text(bytes) : bytes });
const pemBody = (pem: string): string => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
const pemToDer = (pem: string): Uint8Array => new Uint8Array(Buffer.from(pemBody(pem), "base64"));
const wrap = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "")}\n-----END ${label}-----\n`;
const codes = (r: IntakeResult) => r.findings.map((f) => f.code);
const errors = (r: IntakeResult) => r.findings.filter((f) => f.severity === "error").map((f) => f.code);

const ISRG_X1_PEM = new TextDecoder().decode(read("real-chains/letsencrypt/isrgrootx1.pem"));
const R3_PEM = new TextDecoder().decode(read("real-chains/letsencrypt/lets-encrypt-r3.pem"));
const ISRG_X1_DER = read("real-chains/letsencrypt/isrgrootx1.der");
const CSR_PEM = new TextDecoder().decode(read("pyca/x509/requests/rsa_sha256.pem"));

async function zipOf(entries: Record<string, Uint8Array | string>, options: { compression?: "STORE" | "DEFLATE" } = {}): Promise<Uint8Array> {
  const z = new JSZip();
  for (const [name, content] of Object.entries(entries)) z.file(name, content);
  return z.generateAsync({ type: "uint8array", compression: options.compression ?? "DEFLATE" });
}

describe("intake: certificates and CSRs in every accepted encoding", () => {
  it("reads a PEM chain with BOM, CRLF and PKCS#12-export Bag Attributes / openssl -text around the blocks", async () => {
    const body =
      "\ufeffBag Attributes\n    localKeyID: 01 02 03\nsubject=/CN=R3\nissuer=/CN=ISRG Root X1\n" +
      R3_PEM +
      "\nCertificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number: 8f:...\n" +
      ISRG_X1_PEM;
    const r = await intake([file("chain.pem", body.replace(/\n/g, "\r\n"))]);
    expect(r.findings).toEqual([]);
    expect(r.refused).toBe(false);
    expect(r.items.map((i) => [i.kind, i.source.format, i.source.index])).toEqual([
      ["certificate", "pem", 0],
      ["certificate", "pem", 1],
    ]);
    expect(Buffer.from(r.items[1]!.der).equals(Buffer.from(ISRG_X1_DER))).toBe(true);
    expect(r.formats).toEqual(["pem"]);
  });

  it("accepts the X509 CERTIFICATE label and OpenSSL's TRUSTED CERTIFICATE (dropping the trust settings)", async () => {
    const trusted = execFileSync("openssl", ["x509", "-addtrust", "clientAuth", "-trustout"], { input: ISRG_X1_PEM }).toString();
    expect(trusted).toContain("BEGIN TRUSTED CERTIFICATE");
    const r = await intake([file("a.pem", wrap("X509 CERTIFICATE", ISRG_X1_DER)), file("b.pem", trusted)]);
    expect(r.findings).toEqual([]);
    expect(r.items).toHaveLength(2);
    for (const item of r.items) expect(Buffer.from(item.der).equals(Buffer.from(ISRG_X1_DER))).toBe(true);
  });

  it("reads a certificate under an unusual label by its content", async () => {
    const r = await intake([file("a.pem", wrap("CERTIFICATE CHAIN", ISRG_X1_DER)), file("b.pem", wrap("X509 CRL", ISRG_X1_DER))]);
    expect(r.findings).toEqual([]);
    expect(r.items).toHaveLength(2);
  });

  it("reads a DER certificate by content, whatever its extension", async () => {
    const r = await intake([file("isrg.txt", ISRG_X1_DER)]);
    expect(r.items.map((i) => [i.kind, i.source.format])).toEqual([["certificate", "der"]]);
    expect(r.formats).toEqual(["der"]);
  });

  it("extracts every certificate from BER PKCS#7 (.p7b), DER PKCS#7 and PEM PKCS7", async () => {
    const r = await intake([
      file("amazon-roots.p7b", read("pyca/pkcs7/amazon-roots.p7b")),
      file("amazon-roots.der", read("pyca/pkcs7/amazon-roots.der")),
      file("isrg.pem", read("pyca/pkcs7/isrg.pem")),
    ]);
    expect(r.findings).toEqual([]);
    expect(r.items.map((i) => `${i.source.file}:${i.source.format}:${i.source.index}`)).toEqual([
      "amazon-roots.p7b:pkcs7-der:0",
      "amazon-roots.p7b:pkcs7-der:1",
      "amazon-roots.der:pkcs7-der:0",
      "amazon-roots.der:pkcs7-der:1",
      "isrg.pem:pkcs7-pem:0",
    ]);
    expect(r.formats).toEqual(["pkcs7-der", "pkcs7-pem"]);
    // Same certificates whatever the wrapping.
    expect(Buffer.from(r.items[0]!.der).equals(Buffer.from(r.items[2]!.der))).toBe(true);
  });

  it("extracts PKCS#7 wrapped in a CERTIFICATE label", async () => {
    const r = await intake([file("bundle.crt", wrap("CERTIFICATE", read("pyca/pkcs7/amazon-roots.der")))]);
    expect(r.items.map((i) => i.source.format)).toEqual(["pkcs7-pem", "pkcs7-pem"]);
  });

  it("reads CSRs as PEM, as NEW CERTIFICATE REQUEST and as DER", async () => {
    const der = pemToDer(CSR_PEM);
    const r = await intake([file("a.csr", CSR_PEM), file("b.csr", wrap("NEW CERTIFICATE REQUEST", der)), file("c.der", der)]);
    expect(r.findings).toEqual([]);
    expect(r.items.map((i) => `${i.kind}:${i.source.format}`)).toEqual(["csr:pem", "csr:pem", "csr:der"]);
  });

  it("reads DER certificates concatenated back to back", async () => {
    const r3 = pemToDer(R3_PEM);
    const both = new Uint8Array([...r3, ...ISRG_X1_DER]);
    const r = await intake([file("chain.cer", both)]);
    expect(r.items).toHaveLength(2);
    expect(r.findings).toEqual([]);
  });

  it("reads PEM text that starts with a '0' (0x30, the DER SEQUENCE tag)", async () => {
    const r = await intake([file("chain.txt", `0 notes before the certificate\n${R3_PEM}`)]);
    expect(r.findings).toEqual([]);
    expect(r.items).toHaveLength(1);
  });

  it("reads PEM flattened onto one line (web form, HTTP header) and PEM inside JSON strings", async () => {
    const oneLine = R3_PEM.trim().split("\n").join(" ");
    const json = JSON.stringify({ chain: [R3_PEM, ISRG_X1_PEM] });
    const php = json.replace(/\//g, "\\/");
    const r = await intake([file("header.txt", `X-Client-Cert: ${oneLine}`), file("chain.json", json), file("php.json", php)]);
    expect(r.findings).toEqual([]);
    expect(r.items.map((i) => i.source.file)).toEqual(["header.txt", "chain.json", "chain.json", "php.json", "php.json"]);
    expect(Buffer.from(r.items[2]!.der).equals(Buffer.from(ISRG_X1_DER))).toBe(true);
  });

  it("accepts UTF-16 text as written by PowerShell redirection", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(R3_PEM, "utf16le")]);
    const r = await intake([file("r3.pem", new Uint8Array(utf16))]);
    expect(r.items).toHaveLength(1);
  });
});

describe("intake: zip archives", () => {
  it("reads certificates from any folder layout and skips __MACOSX, .DS_Store and directories", async () => {
    const zip = await zipOf({
      "chain/leaf/R3.pem": R3_PEM,
      "chain/root.cer": ISRG_X1_DER,
      "chain/bundle.p7b": read("pyca/pkcs7/amazon-roots.p7b"),
      "__MACOSX/chain/._R3.pem": new Uint8Array([0, 5, 22, 7, 0, 2, 0, 0]),
      "chain/.DS_Store": new Uint8Array([0, 0, 0, 1, 66, 117, 100, 49]),
    });
    const r = await intake([file("partner.zip", zip)]);
    expect(errors(r)).toEqual([]);
    expect(r.refused).toBe(false);
    expect(r.items.map((i) => `${i.source.entry}:${i.source.format}`)).toEqual([
      "chain/leaf/R3.pem:pem",
      "chain/root.cer:der",
      "chain/bundle.p7b:pkcs7-der",
      "chain/bundle.p7b:pkcs7-der",
    ]);
    expect(r.items.every((i) => i.source.file === "partner.zip")).toBe(true);
  });

  it("does not mistake text that happens to start like an archive signature for a nested archive", async () => {
    const zip = await zipOf({ "README": "070701 is our partner number\n", "notes.txt": "BZh9 -lh5- ustar\n", "r3.pem": R3_PEM });
    const r = await intake([file("ok.zip", zip)]);
    // Not ARCHIVE_UNSAFE: the texts are read as text — and, not being certificates, refuse the upload.
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED", "FORMAT_UNRECOGNIZED"]);
    expect(r.items).toHaveLength(1);
  });

  it("refuses a zip with a README beside the chain: Certdesk stores only what it understood", async () => {
    const zip = await zipOf({ "chain.pem": R3_PEM, "README.txt": "These are our certificates.\n" });
    const r = await intake([file("partner.zip", zip)]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED"]);
    expect(r.findings[0]!.message).toMatch(/"README\.txt" in "partner\.zip" is text with no certificate or CSR in it.*nothing from this upload was stored/);
    expect(r.refused).toBe(true);
  });

  it("searches archiver metadata entries for keys although it does not classify them", async () => {
    const key = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" });
    const zip = await zipOf({ "chain.pem": R3_PEM, "__MACOSX/._chain.pem": Buffer.from(key).toString("hex") });
    const r = await intake([file("partner.zip", zip)]);
    expect(errors(r)).toEqual(["PRIVATE_KEY_PRESENT"]);
    expect(r.findings[0]!.message).toMatch(/archiver metadata/);
    expect(r.refused).toBe(true);
  });

  it("reads stored (uncompressed) entries too", async () => {
    const r = await intake([file("s.zip", await zipOf({ "a.pem": R3_PEM }, { compression: "STORE" }))]);
    expect(r.items).toHaveLength(1);
  });

  it("never aliases or wipes the caller's bytes when given a Node Buffer (whose slice() is a view)", async () => {
    const zip = Buffer.from(await zipOf({ "a.pem": R3_PEM, "b.cer": ISRG_X1_DER }, { compression: "STORE" }));
    const pemFile = Buffer.from(R3_PEM);
    const before = [Buffer.from(zip), Buffer.from(pemFile)];
    const r = await intake([file("s.zip", zip), file("c.cer", Buffer.from(ISRG_X1_DER)), file("a.pem", pemFile)]);
    expect(r.items).toHaveLength(4);
    expect(zip.equals(before[0]!)).toBe(true);
    expect(pemFile.equals(before[1]!)).toBe(true);
    for (const item of r.items) {
      expect(item.der.buffer).not.toBe(zip.buffer);
      expect(item.der.byteLength).toBe(item.der.buffer.byteLength);
    }
  });

  it("refuses a zip of documents (FORMAT_UNRECOGNIZED per entry), and gives ARCHIVE_EMPTY for one of folders only", async () => {
    const r = await intake([file("docs.zip", await zipOf({ "README.md": "# hello\n", "notes/todo.txt": "renew\n" }))]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED", "FORMAT_UNRECOGNIZED"]);
    expect(r.refused).toBe(true);
    expect(r.items).toEqual([]);
    const z = new JSZip();
    z.folder("empty/inside");
    const folders = await intake([file("folders.zip", await z.generateAsync({ type: "uint8array" }))]);
    expect(errors(folders)).toEqual(["ARCHIVE_EMPTY"]);
  });

  it("refuses an archive inside an archive by its magic bytes, not its name", async () => {
    const inner = await zipOf({ "a.pem": R3_PEM });
    const r = await intake([file("outer.zip", await zipOf({ "a.pem": R3_PEM, "innocent.pem": inner }))]);
    expect(errors(r)).toEqual(["ARCHIVE_UNSAFE"]);
    expect(r.refused).toBe(true);
    expect(r.items).toEqual([]);
    expect(r.findings[0]!.message).toContain("innocent.pem");
  });

  it("refuses more than 100 entries, an entry over 1 MiB, a total over 1 MiB, and bomb ratios", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 101; i++) many[`c${i}.pem`] = R3_PEM;
    const tooMany = await intake([file("many.zip", await zipOf(many))]);
    expect(tooMany.findings[0]!.message).toMatch(/101 entries; at most 100/);

    const big = new Uint8Array(1024 * 1024 + 1).fill(0x41);
    const tooBig = await intake([file("big.zip", await zipOf({ "a.pem": big }))]);
    expect(errors(tooBig)).toEqual(["ARCHIVE_UNSAFE"]);
    expect(tooBig.findings[0]!.message).toMatch(/declares 1\.0 MiB unpacked/);

    const random = (n: number, seed: number) => {
      const out = new Uint8Array(n);
      let x = seed;
      for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      return out;
    };
    const total = await intake([file("total.zip", await zipOf({ "a.bin": random(600_000, 1), "b.bin": random(600_000, 2) }, { compression: "STORE" }))], {
      maxUploadBytes: 4 * 1024 * 1024,
    });
    expect(total.findings[0]!.message).toMatch(/declare .* unpacked in all/);

    const ratio = await intake([file("ratio.zip", await zipOf({ "zeros.pem": new Uint8Array(200_000) }))]);
    expect(ratio.findings[0]!.message).toMatch(/expands \d+:1/);
    for (const r of [tooMany, tooBig, total, ratio]) expect(r.refused).toBe(true);
  });

  it("tells a Word document from an archive", async () => {
    const docx = await zipOf({ "[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>" });
    const r = await intake([file("certificate.docx", docx)]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED"]);
    expect(r.findings[0]!.message).toMatch(/Word document/);
  });

  it("reports a damaged zip as a finding", async () => {
    const zip = await zipOf({ "a.pem": R3_PEM });
    const r = await intake([file("cut.zip", zip.subarray(0, zip.length - 30))]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED"]);
    expect(r.findings[0]!.message).toMatch(/cannot be read/);
  });
});

describe("intake: unrecognisable and malformed input", () => {
  it.each([
    ["empty.pem", new Uint8Array(0), /is empty/],
    ["notes.txt", text("Please find our certificate attached.\n"), /text with no certificate/],
    ["shot.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /PNG image/],
    ["cert.pdf", text("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n"), /PDF document/],
    ["cert.doc", new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), /Office document/],
    ["id_rsa.pub", text("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host\n"), /SSH public key/],
    ["chain.tar.gz", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), /gzip archive/],
  ])("%s → FORMAT_UNRECOGNIZED saying what it looks like", async (name, bytes, what) => {
    const r = await intake([file(name, bytes)]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED"]);
    expect(r.findings[0]!.message).toMatch(what);
    expect(r.findings[0]!.fix).toBeTruthy();
  });

  it("names a Java truststore and says how to export from it", async () => {
    // JKS: magic, version 2, one trusted-certificate entry (tag 2).
    const alias = Buffer.from("root");
    const jks = Buffer.concat([
      Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, alias.length]),
      alias,
      Buffer.alloc(8),
      Buffer.from([0, 5]),
      Buffer.from("X.509"),
      Buffer.from([0, 0, (ISRG_X1_DER.length >> 8) & 0xff, ISRG_X1_DER.length & 0xff]),
      Buffer.from(ISRG_X1_DER),
    ]);
    const r = await intake([file("truststore.jks", new Uint8Array(jks))]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED"]);
    expect(r.findings[0]!.message).toMatch(/Java keystore/);
    expect(r.findings[0]!.fix).toMatch(/keytool -exportcert -rfc/);
  });

  it("names the block and line of broken PEM armour and base64", async () => {
    const lines = R3_PEM.trim().split("\n");
    const badBase64 = [...lines.slice(0, 5), "this line is not base64!", ...lines.slice(6)].join("\n");
    const noEnd = lines.slice(0, -1).join("\n");
    const fourDashes = ["----BEGIN CERTIFICATE-----", ...lines.slice(1)].join("\n");
    const cut = [...lines.slice(0, 4), lines[4]!.slice(0, 61), lines.at(-1)!].join("\n");
    const r = await intake([file("a.pem", badBase64), file("b.pem", noEnd), file("c.pem", fourDashes), file("d.pem", cut)]);
    expect(codes(r)).toEqual(["FORMAT_PEM_MALFORMED", "FORMAT_PEM_MALFORMED", "FORMAT_PEM_MALFORMED", "FORMAT_PEM_MALFORMED"]);
    const [a, b, c, d] = r.findings.map((f) => f.message);
    expect(a).toMatch(/"a\.pem".*line 6 inside the CERTIFICATE block \(lines 1–\d+\) is not valid base64/);
    expect(b).toMatch(/CERTIFICATE block starting on line 1 has no END line/);
    expect(c).toMatch(/BEGIN line on line 1 is not well-formed/);
    expect(d).toMatch(/cut short/);
    expect(r.items).toEqual([]);
  });

  it("reads a body with stray spaces or CRLFs, and names padding that is followed by more data, even split over two lines", async () => {
    const lines = R3_PEM.trim().split("\n");
    const spaced = lines.map((l, i) => (i > 0 && i < lines.length - 1 ? ` ${l}  ` : l)).join("\r\n");
    // The body's last line, with its padding moved onto a line of its own and one "=" left behind.
    const last = lines.at(-2)!;
    expect(last).toMatch(/==$/);
    const body = last.replace(/=+$/, "");
    const splitPadding = [...lines.slice(0, -2), `${body}=`, "=".repeat(last.length - body.length - 1), lines.at(-1)!].join("\n");
    const r = await intake([file("spaced.pem", spaced), file("split.pem", splitPadding)]);
    expect(r.items.map((i) => i.source.file)).toEqual(["spaced.pem"]);
    expect(codes(r)).toEqual(["FORMAT_PEM_MALFORMED"]);
    expect(r.findings[0]!.message).toMatch(/"split\.pem".*ends with base64 padding but more data follows/);
  });

  it("says when base64 has no armour at all", async () => {
    const r = await intake([file("cert.txt", pemBody(R3_PEM))]);
    expect(errors(r)).toEqual(["FORMAT_PEM_MALFORMED"]);
    expect(r.findings[0]!.message).toMatch(/without -----BEGIN/);
  });

  it("reports a truncated DER certificate instead of throwing", async () => {
    const r = await intake([file("cut.cer", ISRG_X1_DER.subarray(0, 700))]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED"]);
    expect(r.findings[0]!.message).toMatch(/damaged or cut short/);
  });

  it("reports a CERTIFICATE block that holds something broken as CERTIFICATE_MALFORMED", async () => {
    const broken = ISRG_X1_DER.slice();
    broken[4] = 0x31; // TBS SEQUENCE → SET
    const r = await intake([file("x.pem", wrap("CERTIFICATE", broken))]);
    expect(errors(r)).toEqual(["CERTIFICATE_MALFORMED"]);
  });

  it("turns warnings into an error when a file yields nothing usable (a lone CRL)", async () => {
    const r = await intake([file("ca.crl", read("pyca/x509/custom/crl_empty.pem"))]);
    expect(errors(r)).toEqual(["FORMAT_UNRECOGNIZED"]);
    expect(r.findings[0]!.message).toMatch(/revocation list/);
  });

  it("inflates a large multi-chunk Deflate entry exactly (100+ KB of PEM)", async () => {
    const many = Array.from({ length: 60 }, () => R3_PEM).join("");
    const r = await intake([file("big.zip", await zipOf({ "all.pem": many }))]);
    expect(r.findings).toEqual([]);
    expect(r.items).toHaveLength(60);
  });

  it("caps the number of certificates (a CPU bomb for path building)", async () => {
    const many = Array.from({ length: 12 }, () => R3_PEM).join("");
    const r = await intake([file("store.pem", many)], { maxItems: 10 });
    expect(r.items).toHaveLength(10);
    expect(r.findings.map((f) => f.code)).toEqual(["UPLOAD_TOO_LARGE"]);
    expect(r.findings[0]!.message).toMatch(/12 certificates and CSRs; at most 10/);
  });

  it("caps findings per file and still reports a private key that comes after the flood", async () => {
    const flood = "-----BEGIN FOO-----\n-----END FOO-----\n".repeat(200) + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    const r = await intake([file("flood.pem", flood)]);
    expect(r.findings.length).toBeLessThanOrEqual(27);
    expect(r.findings.map((f) => f.code)).toContain("PRIVATE_KEY_PRESENT");
    expect(r.findings.at(-1)!.message).toMatch(/\d+ more problems like these/);
    expect(r.refused).toBe(true);
  });

  it("is not slowed down by pathological lines (regular-expression backtracking)", async () => {
    const spaces = `-- BEGIN ${" ".repeat(400_000)}x`;
    const dashes = "-".repeat(400_000);
    const r = await intake([file("spaces.pem", spaces), file("dashes.pem", dashes)]);
    expect(r.findings.map((f) => f.code)).toEqual(["FORMAT_UNRECOGNIZED", "FORMAT_UNRECOGNIZED"]);
  });

  it("keeps the default limits when a caller passes undefined or NaN", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 101; i++) many[`c${i}.pem`] = R3_PEM;
    const r = await intake([file("many.zip", await zipOf(many))], { maxEntries: undefined, maxRatio: Number.NaN });
    expect(r.findings.map((f) => f.code)).toEqual(["ARCHIVE_UNSAFE"]);
  });

  it("refuses more than 100 files in one upload", async () => {
    const r = await intake(Array.from({ length: 101 }, (_, i) => file(`c${i}.pem`, R3_PEM)));
    expect(r.findings.map((f) => f.code)).toEqual(["UPLOAD_TOO_LARGE"]);
    expect(r.items).toEqual([]);
  });

  it("refuses an upload over the size limit", async () => {
    const r = await intake([file("a.pem", new Uint8Array(600_000)), file("b.pem", new Uint8Array(600_000))]);
    expect(codes(r)).toEqual(["UPLOAD_TOO_LARGE"]);
    expect(r.items).toEqual([]);
  });

  it("keeps control characters of hostile file names out of messages", async () => {
    const r = await intake([file("evil\u001b[31m\nname.pem", "hello")]);
    // eslint-disable-next-line no-control-regex
    expect(r.findings[0]!.message).not.toMatch(/[\u0000-\u001f]/);
  });
});
