/**
 * Certificate policy processing, RFC 5280 §6.1 (valid_policy_tree, explicit_policy,
 * policy_mapping, inhibit_anyPolicy). Pure: it reads the four policy extensions of each
 * certificate and runs the tree algorithm; `validatePath` turns a failure into findings.
 *
 * Policy qualifiers are ignored (RFC 5280 §4.2.1.4 lets a relying party do so; they never change
 * validity). The trust anchor is not part of the processed path (§6.1: certificates 1…n follow it).
 */
import { type ParsedCertificate, OID, isSelfIssued as isSelfIssuedCert } from "./certificate";
import { children, content, DerError, expectTag, oidAt, readTlv, type Tlv } from "./der";

export const ANY_POLICY = "2.5.29.32.0";

/** The policy facts of one certificate of the path (certificate 1 is issued by the anchor, n is the leaf). */
export type PolicyCertificate = {
  /** certificatePolicies OIDs; undefined when the extension is absent. */
  policies?: readonly string[];
  /** policyMappings pairs (issuerDomainPolicy → subjectDomainPolicy). */
  mappings?: ReadonlyArray<{ issuer: string; subject: string }>;
  requireExplicitPolicy?: number;
  inhibitPolicyMapping?: number;
  inhibitAnyPolicy?: number;
  /** Subject equals issuer (§6.1.4 (h): self-issued intermediates do not count down the constraints). */
  selfIssued: boolean;
};

export type PolicyInputs = {
  /** user-initial-policy-set; default {anyPolicy}. */
  initialPolicySet?: readonly string[];
  initialExplicitPolicy?: boolean;
  initialPolicyMappingInhibit?: boolean;
  initialAnyPolicyInhibit?: boolean;
};

/** Why the valid_policy_tree became empty (NULL), at which certificate (1-based, as in §6.1). */
export type TreeEmptied =
  | { at: number; why: "no-policies" }
  | { at: number; why: "no-match" }
  | { at: number; why: "mapping-inhibited" }
  | { at: number; why: "user-set" };

/** What made explicit_policy reach 0: an input, or a certificate's requireExplicitPolicy. */
export type ExplicitRequiredBy = { by: "initial" } | { by: "certificate"; at: number; skip: number };

export type PolicyFailure =
  | { kind: "mapping-any-policy"; at: number }
  | { kind: "explicit-policy"; at: number; requiredBy: ExplicitRequiredBy; emptied: TreeEmptied };

export type PolicyResult = {
  ok: boolean;
  failures: PolicyFailure[];
  /** authorities-constrained-policy-set: the valid_policy values at depth n (anyPolicy if any policy), empty when the tree is NULL. */
  authoritiesConstrainedPolicySet: string[];
  /** user-constrained-policy-set: the same after intersection with the user-initial-policy-set. */
  userConstrainedPolicySet: string[];
  explicitPolicy: number;
};

type TreeNode = {
  validPolicy: string;
  expected: Set<string>;
  parent: TreeNode | undefined;
  children: TreeNode[];
  depth: number;
};

function node(validPolicy: string, expected: Iterable<string>, parent: TreeNode | undefined): TreeNode {
  const n: TreeNode = { validPolicy, expected: new Set(expected), parent, children: [], depth: parent ? parent.depth + 1 : 0 };
  parent?.children.push(n);
  return n;
}

/** Detaches `n` (and so its subtree) from its parent; {@link prune} removes ancestors left childless. */
function removeNode(n: TreeNode): void {
  const p = n.parent;
  if (!p) return;
  p.children = p.children.filter((c) => c !== n);
}

/** The nodes at `depth` (the tree is small: one level per certificate, a few policies each). */
function level(root: TreeNode, depth: number): TreeNode[] {
  let cur = [root];
  for (let d = 0; d < depth; d++) cur = cur.flatMap((n) => n.children);
  return cur;
}

/**
 * Deletes every node of depth < `depth` without children, bottom-up. Returns false when the
 * root itself went (the tree is NULL).
 */
function prune(root: TreeNode, depth: number): boolean {
  for (let d = depth - 1; d >= 0; d--) {
    for (const n of level(root, d)) {
      if (n.children.length === 0) {
        if (n === root) return false;
        removeNode(n);
      }
    }
  }
  return true;
}

/**
 * Runs §6.1.2–§6.1.5 over `certs` (certificate 1 first, the leaf last: the reverse of a path
 * listed leaf first). Never throws.
 *
 * @example
 * processPolicies([{ policies: [ANY_POLICY], requireExplicitPolicy: 0, selfIssued: false }, { selfIssued: false }], {}).ok // false
 */
export function processPolicies(certs: readonly PolicyCertificate[], inputs: PolicyInputs = {}): PolicyResult {
  const n = certs.length;
  const userSet = inputs.initialPolicySet?.length ? [...new Set(inputs.initialPolicySet)] : [ANY_POLICY];
  const userAny = userSet.includes(ANY_POLICY);
  const failures: PolicyFailure[] = [];

  // §6.1.2 initialisation.
  let tree: TreeNode | undefined = node(ANY_POLICY, [ANY_POLICY], undefined);
  let explicitPolicy = inputs.initialExplicitPolicy ? 0 : n + 1;
  let inhibitAnyPolicy = inputs.initialAnyPolicyInhibit ? 0 : n + 1;
  let policyMapping = inputs.initialPolicyMappingInhibit ? 0 : n + 1;
  let requiredBy: ExplicitRequiredBy | undefined = inputs.initialExplicitPolicy ? { by: "initial" } : undefined;
  let emptied: TreeEmptied | undefined;
  let explicitFailed = false;
  const empty = (e: TreeEmptied) => {
    tree = undefined;
    emptied ??= e;
  };

  for (let i = 1; i <= n; i++) {
    const cert = certs[i - 1]!;
    // §6.1.3 (d): certificate policies.
    if (cert.policies && tree) {
      const parents = level(tree, i - 1);
      for (const p of cert.policies) {
        if (p === ANY_POLICY) continue;
        let matched = false;
        for (const parent of parents) {
          if (parent.expected.has(p)) {
            node(p, [p], parent);
            matched = true;
          }
        }
        if (!matched) {
          const any = parents.find((x) => x.validPolicy === ANY_POLICY);
          if (any) node(p, [p], any);
        }
      }
      if (cert.policies.includes(ANY_POLICY) && (inhibitAnyPolicy > 0 || (i < n && cert.selfIssued))) {
        for (const parent of parents) {
          for (const e of parent.expected) {
            if (!parent.children.some((c) => c.validPolicy === e)) node(e, [e], parent);
          }
        }
      }
      if (!prune(tree, i)) empty({ at: i, why: "no-match" });
    } else if (!cert.policies) {
      // §6.1.3 (e).
      if (tree) empty({ at: i, why: "no-policies" });
    }
    // §6.1.3 (f).
    if (explicitPolicy === 0 && !tree && !explicitFailed) {
      explicitFailed = true;
      failures.push({ kind: "explicit-policy", at: i, requiredBy: requiredBy ?? { by: "initial" }, emptied: emptied ?? { at: i, why: "no-policies" } });
    }
    // §6.1.4 (a): anyPolicy is never mapped (§4.2.1.5 MUST NOT; checked in the leaf too, as OpenSSL does).
    if (cert.mappings?.some((m) => m.issuer === ANY_POLICY || m.subject === ANY_POLICY)) failures.push({ kind: "mapping-any-policy", at: i });
    if (i === n) break;

    // §6.1.4 preparation for certificate i+1.
    if (cert.mappings) {
      // (b): issuerDomainPolicy → the set of its subjectDomainPolicy values.
      const mapped = new Map<string, string[]>();
      for (const m of cert.mappings) {
        if (m.issuer === ANY_POLICY || m.subject === ANY_POLICY) continue;
        const list = mapped.get(m.issuer);
        if (list) {
          if (!list.includes(m.subject)) list.push(m.subject);
        } else mapped.set(m.issuer, [m.subject]);
      }
      if (tree) {
        const nodes = level(tree, i);
        for (const [idp, sdps] of mapped) {
          const withIdp = nodes.filter((x) => x.validPolicy === idp);
          if (policyMapping > 0) {
            if (withIdp.length) for (const x of withIdp) x.expected = new Set(sdps);
            else {
              const any = nodes.find((x) => x.validPolicy === ANY_POLICY);
              if (any?.parent) node(idp, sdps, any.parent);
            }
          } else {
            for (const x of withIdp) removeNode(x);
          }
        }
        if (policyMapping === 0 && mapped.size && !prune(tree, i)) empty({ at: i, why: "mapping-inhibited" });
      }
    }
    // (h): self-issued intermediates do not count down.
    if (!cert.selfIssued) {
      if (explicitPolicy > 0) explicitPolicy--;
      if (policyMapping > 0) policyMapping--;
      if (inhibitAnyPolicy > 0) inhibitAnyPolicy--;
    }
    // (i), (j).
    if (cert.requireExplicitPolicy !== undefined && cert.requireExplicitPolicy < explicitPolicy) {
      explicitPolicy = cert.requireExplicitPolicy;
      requiredBy = { by: "certificate", at: i, skip: cert.requireExplicitPolicy };
    }
    if (cert.inhibitPolicyMapping !== undefined && cert.inhibitPolicyMapping < policyMapping) policyMapping = cert.inhibitPolicyMapping;
    if (cert.inhibitAnyPolicy !== undefined && cert.inhibitAnyPolicy < inhibitAnyPolicy) inhibitAnyPolicy = cert.inhibitAnyPolicy;
  }

  // §6.1.5 wrap-up.
  const leaf = certs[n - 1];
  if (explicitPolicy > 0) {
    explicitPolicy--;
    if (explicitPolicy === 0 && !requiredBy) requiredBy = { by: "certificate", at: n, skip: 0 };
  }
  if (leaf?.requireExplicitPolicy === 0 && explicitPolicy !== 0) {
    explicitPolicy = 0;
    requiredBy = { by: "certificate", at: n, skip: 0 };
  }
  const authorities = tree ? [...new Set(level(tree, n).map((x) => x.validPolicy))] : [];
  // (g) intersection with the user-initial-policy-set.
  if (tree && !userAny) {
    const t: TreeNode = tree;
    // (g)(iii)(1)–(2): nodes whose parent is anyPolicy, not in the user set, go with their subtrees.
    const all: TreeNode[] = [];
    for (let d = 1; d <= n; d++) all.push(...level(t, d));
    const validPolicyNodeSet = all.filter((x) => x.parent?.validPolicy === ANY_POLICY && x.validPolicy !== ANY_POLICY);
    for (const x of validPolicyNodeSet) if (!userSet.includes(x.validPolicy)) removeNode(x);
    // (3): an anyPolicy leaf stands for every user policy not already present.
    const anyLeaf = level(t, n).find((x) => x.validPolicy === ANY_POLICY);
    if (anyLeaf?.parent) {
      const present = new Set(validPolicyNodeSet.filter((x) => userSet.includes(x.validPolicy)).map((x) => x.validPolicy));
      for (const p of userSet) if (!present.has(p)) node(p, [p], anyLeaf.parent);
      removeNode(anyLeaf);
    }
    // (4).
    if (!prune(t, n) || (n > 0 && level(t, n).length === 0)) empty({ at: n, why: "user-set" });
  }
  const user = tree ? [...new Set(level(tree, n).map((x) => x.validPolicy))] : [];
  if (explicitPolicy === 0 && !tree && !explicitFailed) {
    failures.push({ kind: "explicit-policy", at: n, requiredBy: requiredBy ?? { by: "initial" }, emptied: emptied ?? { at: n, why: "no-policies" } });
  }
  return { ok: failures.length === 0, failures, authoritiesConstrainedPolicySet: authorities, userConstrainedPolicySet: user, explicitPolicy };
}

/** The policy extensions of a certificate, decoded; `malformed` lists the OIDs that did not decode. */
export function policyCertificate(cert: ParsedCertificate, selfIssued: boolean): PolicyCertificate & { malformed: string[]; duplicatePolicies: string[] } {
  const out: PolicyCertificate & { malformed: string[]; duplicatePolicies: string[] } = { selfIssued, malformed: [], duplicatePolicies: [] };
  const read = (oid: string, fn: (v: Uint8Array) => void) => {
    const e = cert.extensionMap.get(oid);
    if (!e) return;
    try {
      fn(e.value);
    } catch {
      // Any decoding failure (DerError, a truncated value) makes the extension unusable, never an exception.
      out.malformed.push(oid);
    }
  };
  const skipCount = (v: Uint8Array, t: Tlv) => {
    const b = content(v, t);
    if (b.length === 0 || b[0]! & 0x80 || b.length > 4) throw new DerError("bad SkipCerts");
    return b.reduce((x, y) => x * 256 + y, 0);
  };
  read(OID.certificatePolicies, (v) => {
    const seq = expectTag(readTlv(v, 0), 0x30, "CertificatePolicies");
    const list: string[] = [];
    for (const pi of children(v, seq)) {
      const [id] = children(v, expectTag(pi, 0x30, "PolicyInformation"));
      const oid = oidAt(v, expectTag(id, 0x06, "CertPolicyId"));
      if (list.includes(oid)) out.duplicatePolicies.push(oid);
      else list.push(oid);
    }
    if (list.length === 0) throw new DerError("empty CertificatePolicies");
    out.policies = list;
  });
  read(OID.policyMappings, (v) => {
    const seq = expectTag(readTlv(v, 0), 0x30, "PolicyMappings");
    const list: Array<{ issuer: string; subject: string }> = [];
    for (const pm of children(v, seq)) {
      const [a, b, extra] = children(v, expectTag(pm, 0x30, "PolicyMapping"));
      if (extra) throw new DerError("unexpected field in PolicyMapping");
      list.push({ issuer: oidAt(v, expectTag(a, 0x06, "issuerDomainPolicy")), subject: oidAt(v, expectTag(b, 0x06, "subjectDomainPolicy")) });
    }
    if (list.length === 0) throw new DerError("empty PolicyMappings");
    out.mappings = list;
  });
  read(OID.policyConstraints, (v) => {
    const seq = expectTag(readTlv(v, 0), 0x30, "PolicyConstraints");
    const fields = children(v, seq);
    if (fields.length === 0) throw new DerError("empty PolicyConstraints");
    for (const f of fields) {
      if (f.tag === 0x80) out.requireExplicitPolicy = skipCount(v, f);
      else if (f.tag === 0x81) out.inhibitPolicyMapping = skipCount(v, f);
      else throw new DerError("unexpected field in PolicyConstraints");
    }
  });
  read(OID.inhibitAnyPolicy, (v) => {
    out.inhibitAnyPolicy = skipCount(v, expectTag(readTlv(v, 0), 0x02, "InhibitAnyPolicy"));
  });
  return out;
}

export type PolicyPathFinding = {
  code: "POLICY_REQUIRED_EXPLICIT" | "POLICY_NOT_ACCEPTED" | "POLICY_MAPPING_INVALID" | "CERTIFICATE_MALFORMED";
  /** Index in the leaf-first path given to {@link policyPathFindings}. */
  index: number;
  message: string;
  fix: string;
};

const POLICY_EXTENSIONS = [OID.certificatePolicies, OID.policyMappings, OID.policyConstraints, OID.inhibitAnyPolicy];

const FIX_POLICY = "Ask the CA to issue the certificate under a certificate policy its issuing CA allows (certificatePolicies); `openssl verify -policy_check` shows the same refusal.";

/**
 * Policy processing of one complete path, listed leaf first without its trust anchor, as findings
 * (`label` is how a message names each certificate, e.g. `The certificate "CN=Issuing CA"`).
 */
export function policyPathFindings(path: ReadonlyArray<{ cert: ParsedCertificate; label: string }>, inputs: PolicyInputs = {}): PolicyPathFinding[] {
  const m = path.length;
  // Fast path: without policy extensions and without initial-explicit-policy nothing can fail (§6.1.3 f, §6.1.5 g).
  if (!inputs.initialExplicitPolicy && !path.some(({ cert }) => POLICY_EXTENSIONS.some((oid) => cert.extensionMap.has(oid)))) return [];
  const out: PolicyPathFinding[] = [];
  const certs: Array<ReturnType<typeof policyCertificate>> = [];
  for (let k = m - 1; k >= 0; k--) {
    const { cert, label } = path[k]!;
    const pc = policyCertificate(cert, isSelfIssuedCert(cert));
    if (pc.malformed.length) out.push({ code: "CERTIFICATE_MALFORMED", index: k, message: `${label} has undecodable policy extension(s) ${pc.malformed.join(", ")} (RFC 5280 §4.2.1.4, §4.2.1.5, §4.2.1.11, §4.2.1.14).`, fix: "Ask the CA to re-issue the certificate with well-formed extensions." });
    if (pc.duplicatePolicies.length) out.push({ code: "CERTIFICATE_MALFORMED", index: k, message: `${label} lists certificate policy ${pc.duplicatePolicies.join(", ")} more than once (RFC 5280 §4.2.1.4).`, fix: "Ask the CA to re-issue the certificate with each policy listed once." });
    certs.push(pc);
  }
  const result = processPolicies(certs, inputs);
  const at = (i: number) => m - i; // RFC certificate i (1 = below the anchor) → leaf-first index
  const name = (i: number) => path[at(i)]!.label;
  const lower = (s: string) => s.replace(/^The /, "the ");
  const userSet = inputs.initialPolicySet?.filter((p) => p !== ANY_POLICY) ?? [];
  for (const f of result.failures) {
    if (f.kind === "mapping-any-policy") {
      out.push({ code: "POLICY_MAPPING_INVALID", index: at(f.at), message: `${name(f.at)} maps a certificate policy to or from anyPolicy in its policyMappings, which RFC 5280 §6.1.4 (a) forbids.`, fix: "The CA must re-issue its certificate with mappings between concrete policy OIDs only." });
      continue;
    }
    const e = f.emptied;
    const c = certs[e.at - 1]!;
    let why: string;
    switch (e.why) {
      case "no-policies":
        why = `${lower(name(e.at))} has no certificatePolicies extension`;
        break;
      case "no-match":
        why = `none of the certificate policies of ${lower(name(e.at))} (${(c.policies ?? []).map((p) => (p === ANY_POLICY ? "anyPolicy" : p)).join(", ")}) is allowed by the CA certificates above it${c.policies?.includes(ANY_POLICY) ? "; its anyPolicy does not count there because inhibitAnyPolicy is in force" : ""}`;
        break;
      case "mapping-inhibited":
        why = `${lower(name(e.at))} maps policies while policy mapping is inhibited (inhibitPolicyMapping), so the mapped policies are dropped`;
        break;
      case "user-set":
        why = result.authoritiesConstrainedPolicySet.length
          ? `the path is valid only for ${result.authoritiesConstrainedPolicySet.join(", ")}`
          : "the path is valid for no certificate policy";
    }
    if (f.requiredBy.by === "initial") {
      const wanted = userSet.length ? `certificate policy ${userSet.join(" or ")}` : "an explicit certificate policy";
      out.push({ code: "POLICY_NOT_ACCEPTED", index: at(e.at), message: `Only certificates issued under ${wanted} are accepted, but ${why}.`, fix: `Order the certificate under ${userSet.length ? `policy ${userSet.join(" or ")}` : "a certificate policy"} from a CA allowed to issue under it.` });
    } else {
      const r = f.requiredBy;
      out.push({ code: "POLICY_REQUIRED_EXPLICIT", index: at(e.at), message: `${name(r.at)} requires an explicit certificate policy (policyConstraints requireExplicitPolicy ${r.skip}), but no policy is valid for the whole path: ${why}.`, fix: FIX_POLICY });
    }
  }
  return out;
}
