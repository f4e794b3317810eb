/** Unrelated certificates, order, and root presence: the shape of the uploaded chain. */
import type { Finding } from "../../pki/findings";
import { defineFinding, defineRule } from "./types";
import { nameOf, sourceOf, subjectOf, type CertItem, type ChainContext } from "./context";

const ORDER = [
  { text: "000", quote: "The certificate chain must be in the following order" },
  { text: "001", quote: "Proper Order: Start with the leaf certificate and end with the root certificate." },
  { text: "002", quote: "Ensure the certificate chain is complete and in the correct order." },
] as const;

export const UNRELATED_CERTIFICATE = defineFinding<{ name: string; position: number; leafName: string }>({
  code: "UNRELATED_CERTIFICATE",
  severity: "error",
  title: "A certificate is not on the path from the client certificate to its root",
  doc: {
    summary: "error. A certificate is not on the path from the client certificate to its root. It would be added to the provider's trust store for nothing (or, worse, trust a CA nobody meant to trust). Only reported when the path was built completely.",
    fix: "remove it, or add the certificates that link it to the client certificate.",
  },
  sources: [{ text: "house", quote: "every certificate sent is added to the gateway trust store" }],
  message: (a) => `${a.name} (position ${a.position}) is not on the path from ${a.leafName} to its root; it would be added to the trust store for nothing.`,
  fix: (a) => `Remove ${a.name} from the file, or add the certificates that link it to the client certificate.`,
});

export const CHAIN_ORDER = defineFinding<{ found: string[]; expected: string[]; rootLast: boolean }>({
  code: "CHAIN_ORDER",
  severity: "error",
  title: "The certificates are not in leaf → intermediates → root order",
  doc: {
    summary: "error. Inside one file, the certificates are not leaf first, then each issuer, root last (000, 001, 002). Certificates spread over several files have no order to check. Certdesk offers the corrected file (`correctedPem`, `--write-corrected`).",
    fix: "`cat client.pem intermediate.pem root.pem > client-chain.pem`.",
  },
  sources: ORDER,
  message: (a) => `The certificates are in the order ${a.found.join(" → ")}; they must start with the client certificate and end with the root: ${a.expected.join(" → ")}.`,
  fix: (a) =>
    `Use the corrected file Certdesk offers, or rebuild it: cat ${a.expected.map((_, i) => (i === 0 ? "client.pem" : i === a.expected.length - 1 && a.rootLast ? "root.pem" : `intermediate${i}.pem`)).join(" ")} > client-chain.pem`,
});

export const CHAIN_ROOT_MISSING = defineFinding<{ rootName: string; rootSubject: string }>({
  code: "CHAIN_ROOT_MISSING",
  severity: "error",
  title: "The program wants the root in the upload and it is not there",
  doc: {
    summary: "error where the program wants the root included (001, 002). The path reaches a trusted root, but the root is not in the file.",
    fix: "`cat client-chain.pem root.pem > client-chain-with-root.pem` (the message names the root).",
  },
  sources: [
    { text: "001", quote: "Root Included: Ensure the root certificate is included." },
    { text: "002", quote: "with leaf, intermediate, and root certificates" },
  ],
  message: (a) => `The root certificate ${a.rootName} is not in the upload; this program wants the root included at the end of the file.`,
  fix: (a) => `Append the root: cat client-chain.pem root.pem > client-chain-with-root.pem (the root is ${a.rootSubject}; Certdesk's corrected file includes it).`,
});

export const CHAIN_ROOT_INCLUDED = defineFinding<{ rootName: string }>({
  code: "CHAIN_ROOT_INCLUDED",
  severity: "error",
  title: "The program wants the chain without its root and the root is there",
  doc: {
    summary: "error where the program refuses the root in the file. (No example program does: 000 makes the root optional.)",
    fix: "remove the last (root) certificate; the corrected file leaves it out.",
  },
  sources: [{ text: "house", quote: "root: refused" }],
  message: (a) => `The root certificate ${a.rootName} is in the upload; this program wants the chain without its root.`,
  fix: () => "Remove the last (root) certificate from the file; Certdesk's corrected file leaves it out.",
});

function unrelated(ctx: ChainContext): Finding[] {
  const { leaf } = ctx;
  if (!ctx.complete || leaf.view.selfSigned) return [];
  return ctx.unique
    .filter((c) => c !== leaf && !ctx.extraLeaves.includes(c) && !ctx.pathFps.has(c.view.fingerprintSha256))
    .map((c) => UNRELATED_CERTIFICATE.make({ name: nameOf(c.view), position: c.position, leafName: ctx.leafName }, { certificate: subjectOf(c) }));
}

/** Order is a property of one file: certificates spread over several files or archive entries have none. */
function order(ctx: ChainContext): Finding[] {
  const groups = new Map<string, CertItem[]>();
  for (const c of ctx.pathItems) groups.set(sourceOf(c.item), [...(groups.get(sourceOf(c.item)) ?? []), c]);
  const wrong = [...groups.values()].some((group) => [...group].sort((a, b) => a.position - b.position).some((c, i) => c !== group[i]));
  if (!wrong) return [];
  const found = [...ctx.pathItems].sort((a, b) => a.position - b.position).map((c) => nameOf(c.view));
  const expected = ctx.pathItems.map((c) => nameOf(c.view));
  return [CHAIN_ORDER.make({ found, expected, rootLast: ctx.terminal?.selfIssued === true }, { certificate: ctx.leafSubject })];
}

function rootPresence(ctx: ChainContext): Finding[] {
  const { terminal } = ctx;
  if (ctx.leaf.view.selfSigned || !terminal?.selfIssued) return [];
  const root = ctx.program.rules.root;
  if (root === "required" && !ctx.rootUploaded) {
    return [CHAIN_ROOT_MISSING.make({ rootName: nameOf(terminal), rootSubject: terminal.subject }, { certificate: ctx.leafSubject })];
  }
  if (root === "refused" && ctx.rootUploaded) {
    return [CHAIN_ROOT_INCLUDED.make({ rootName: nameOf(terminal) }, { certificate: subjectOf(ctx.uploadedByFp.get(terminal.fingerprintSha256)!) })];
  }
  return [];
}

export const structureRule = defineRule({
  id: "chain-structure",
  stage: "chain",
  description: "Every uploaded certificate is on the leaf's path, each file lists the path leaf first and root last, and the root is present or absent as the program says.",
  findings: [UNRELATED_CERTIFICATE, CHAIN_ORDER, CHAIN_ROOT_MISSING, CHAIN_ROOT_INCLUDED],
  check: (ctx) => [...unrelated(ctx), ...order(ctx), ...rootPresence(ctx)],
});
