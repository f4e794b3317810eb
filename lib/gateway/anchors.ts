/**
 * API Gateway validates a client chain up to a ROOT in the trust store. A partner may submit
 * a chain without its root (the program's anchors — public roots, or the provider's own —
 * completed it when the engine validated it); its trust store contribution would then be
 * intermediates only, and API Gateway would refuse every such client. So the publisher adds
 * the anchor the engine validated against: the candidate that issued the chain's top
 * certificate (name match and signature check).
 */
import { X509Certificate } from "node:crypto";
import { rootCertificates } from "node:tls";

export type AnchorMode = { mode: "public" | "replace" | "extend"; pems: readonly string[] };

let publicRoots: X509Certificate[] | undefined;

function parseAll(pems: readonly string[]): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const pem of pems) {
    try {
      out.push(new X509Certificate(pem));
    } catch {
      // A program anchor that does not parse is lib/policy's finding to report, not ours.
    }
  }
  return out;
}

/** The anchors a program validates against, as the engine chooses them (lib/policy's `trustAnchors`). */
export function programAnchorCandidates(definition: unknown): X509Certificate[] {
  const raw = (definition as { trustAnchors?: Partial<AnchorMode> } | null)?.trustAnchors;
  const mode = raw?.mode ?? "public";
  const own = parseAll(Array.isArray(raw?.pems) ? raw!.pems! : []);
  publicRoots ??= parseAll(rootCertificates);
  return mode === "replace" ? own : mode === "extend" ? [...publicRoots, ...own] : publicRoots;
}

function selfIssued(cert: X509Certificate): boolean {
  return cert.subject === cert.issuer;
}

/**
 * The anchor that issued `topPem`, as PEM, when `topPem` is not itself self-issued; null when
 * the chain already ends in a root or no candidate issued it.
 *
 * @example
 * const anchor = anchorFor(intermediatePem, programAnchorCandidates(program.definition));
 */
export function anchorFor(topPem: string, candidates: readonly X509Certificate[]): string | null {
  let top: X509Certificate;
  try {
    top = new X509Certificate(topPem);
  } catch {
    return null;
  }
  if (selfIssued(top)) return null;
  for (const c of candidates) {
    if (c.subject !== top.issuer) continue;
    try {
      if (top.checkIssued(c) && top.verify(c.publicKey)) return c.toString();
    } catch {
      // An unsupported key type: not this candidate.
    }
  }
  return null;
}
