import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { OID, type ParsedCertificate, parseCertificate } from "./certificate";
import { encodeOid, encodeSequence } from "./der";
import { ANY_POLICY, type PolicyCertificate, policyCertificate, policyPathFindings, processPolicies } from "./policy-tree";

const P1 = "1.2.3.1";
const P2 = "1.2.3.2";
const P3 = "1.2.3.3";
const ca = (x: Partial<PolicyCertificate> = {}): PolicyCertificate => ({ selfIssued: false, ...x });
const ee = ca;

describe("policy tree: certificate policies (§6.1.3 d, e)", () => {
  it("keeps a policy every certificate asserts and reports it in both output sets", () => {
    const r = processPolicies([ca({ policies: [P1] }), ca({ policies: [P1, P2] }), ee({ policies: [P1] })], { initialExplicitPolicy: true });
    expect(r.ok).toBe(true);
    expect(r.authoritiesConstrainedPolicySet).toEqual([P1]);
    expect(r.userConstrainedPolicySet).toEqual([P1]);
  });

  it("refuses a leaf without policies under requireExplicitPolicy 0 (what openssl verify -policy_check refuses)", () => {
    const r = processPolicies([ca({ policies: [ANY_POLICY], requireExplicitPolicy: 0 }), ee()]);
    expect(r.ok).toBe(false);
    expect(r.failures).toEqual([{ kind: "explicit-policy", at: 2, requiredBy: { by: "certificate", at: 1, skip: 0 }, emptied: { at: 2, why: "no-policies" } }]);
  });

  it("accepts the same path when nothing requires an explicit policy (the tree is NULL but the path valid)", () => {
    const r = processPolicies([ca({ policies: [ANY_POLICY] }), ee()]);
    expect(r.ok).toBe(true);
    expect(r.authoritiesConstrainedPolicySet).toEqual([]);
  });

  it("lets anyPolicy in a CA admit any policy below it, and anyPolicy below admit the CA's policies", () => {
    expect(processPolicies([ca({ policies: [ANY_POLICY] }), ee({ policies: [P2] })], { initialExplicitPolicy: true }).authoritiesConstrainedPolicySet).toEqual([P2]);
    expect(processPolicies([ca({ policies: [P1, P2] }), ee({ policies: [ANY_POLICY] })], { initialExplicitPolicy: true }).authoritiesConstrainedPolicySet).toEqual([P1, P2]);
  });

  it("prunes branches that stop matching and fails when none is left", () => {
    const r = processPolicies([ca({ policies: [P1, P2] }), ca({ policies: [P2] }), ee({ policies: [P1] })], { initialExplicitPolicy: true });
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatchObject({ kind: "explicit-policy", at: 3, requiredBy: { by: "initial" }, emptied: { at: 3, why: "no-match" } });
    const ok = processPolicies([ca({ policies: [P1, P2] }), ca({ policies: [P2] }), ee({ policies: [P2, P1] })], { initialExplicitPolicy: true });
    expect(ok.authoritiesConstrainedPolicySet).toEqual([P2]);
  });
});

describe("policy tree: explicit_policy counting (§6.1.4 h, i; §6.1.5 a, b)", () => {
  it("requireExplicitPolicy n skips n certificates before policies are required", () => {
    // Skip 1: certificate 2 may lack policies, the leaf (certificate 3) may not.
    const chain = (leaf: PolicyCertificate) => [ca({ policies: [P1], requireExplicitPolicy: 1 }), ca(), leaf];
    expect(processPolicies(chain(ee({ policies: [P1] }))).ok).toBe(false); // the tree died at certificate 2
    // The wrap-up (§6.1.5 a) counts the leaf too: skip 2 over two more certificates still requires a policy…
    expect(processPolicies([ca({ policies: [P1], requireExplicitPolicy: 2 }), ca({ policies: [P1] }), ee()]).ok).toBe(false);
    // …and the leaf may lack policies when nothing requires them.
    expect(processPolicies([ca({ policies: [P1] }), ca({ policies: [P1] }), ee()]).ok).toBe(true);
  });

  it("does not count self-issued intermediates", () => {
    const withSelfIssued = [ca({ policies: [P1], requireExplicitPolicy: 2 }), ca({ policies: [P1], selfIssued: true }), ee()];
    expect(processPolicies(withSelfIssued).ok).toBe(true);
    expect(processPolicies(withSelfIssued.map((c, i) => (i === 1 ? { ...c, selfIssued: false } : c))).ok).toBe(false);
  });

  it("honours requireExplicitPolicy 0 in the leaf itself", () => {
    expect(processPolicies([ca({ policies: [P1] }), ee({ requireExplicitPolicy: 0 })]).ok).toBe(false);
  });
});

describe("policy tree: policy mappings (§6.1.4 a, b)", () => {
  it("maps an issuer-domain policy to the subject-domain policies the next certificate must assert", () => {
    const r = processPolicies([ca({ policies: [P1], mappings: [{ issuer: P1, subject: P2 }] }), ee({ policies: [P2] })], { initialExplicitPolicy: true, initialPolicySet: [P1] });
    expect(r.ok).toBe(true);
    expect(r.authoritiesConstrainedPolicySet).toEqual([P2]); // the leaf's node carries the subject-domain policy
    expect(processPolicies([ca({ policies: [P1], mappings: [{ issuer: P1, subject: P2 }] }), ee({ policies: [P1] })], { initialExplicitPolicy: true }).ok).toBe(false);
  });

  it("maps through an anyPolicy node when the CA asserts anyPolicy", () => {
    const r = processPolicies([ca({ policies: [ANY_POLICY], mappings: [{ issuer: P1, subject: P3 }] }), ee({ policies: [P3] })], { initialExplicitPolicy: true });
    expect(r.ok).toBe(true);
    expect(r.authoritiesConstrainedPolicySet).toEqual([P3]);
  });

  it("deletes mapped policies when mapping is inhibited (inhibitPolicyMapping or the initial input)", () => {
    const chain = [ca({ policies: [P1], inhibitPolicyMapping: 0 }), ca({ policies: [P1], mappings: [{ issuer: P1, subject: P2 }] }), ee({ policies: [P2] })];
    const r = processPolicies(chain, { initialExplicitPolicy: true });
    expect(r.failures[0]).toMatchObject({ kind: "explicit-policy", emptied: { at: 2, why: "mapping-inhibited" } });
    expect(processPolicies(chain.slice(1), { initialExplicitPolicy: true, initialPolicyMappingInhibit: true }).ok).toBe(false);
    expect(processPolicies(chain.slice(1), { initialExplicitPolicy: true }).ok).toBe(true);
  });

  it("refuses a mapping to or from anyPolicy", () => {
    const r = processPolicies([ca({ policies: [P1], mappings: [{ issuer: ANY_POLICY, subject: P1 }] }), ee({ policies: [P1] })]);
    expect(r.failures).toEqual([{ kind: "mapping-any-policy", at: 1 }]);
    expect(processPolicies([ca({ policies: [P1] }), ee({ policies: [P1], mappings: [{ issuer: P1, subject: ANY_POLICY }] })]).failures).toEqual([{ kind: "mapping-any-policy", at: 2 }]);
  });
});

describe("policy tree: inhibit_anyPolicy (§6.1.3 d 2, §6.1.4 j)", () => {
  it("stops honouring anyPolicy below inhibitAnyPolicy, except in self-issued intermediates", () => {
    const chain = (mid: PolicyCertificate) => [ca({ policies: [P1], inhibitAnyPolicy: 0 }), mid, ee({ policies: [P1] })];
    expect(processPolicies(chain(ca({ policies: [ANY_POLICY] })), { initialExplicitPolicy: true }).failures[0]).toMatchObject({ emptied: { at: 2, why: "no-match" } });
    expect(processPolicies(chain(ca({ policies: [ANY_POLICY], selfIssued: true })), { initialExplicitPolicy: true }).ok).toBe(true);
    expect(processPolicies(chain(ca({ policies: [ANY_POLICY] }))).ok).toBe(true); // not required: valid with a NULL tree
    expect(processPolicies([ca({ policies: [P1] }), ee({ policies: [ANY_POLICY] })], { initialExplicitPolicy: true, initialAnyPolicyInhibit: true }).ok).toBe(false);
  });
});

describe("policy tree: user-initial-policy-set (§6.1.5 g)", () => {
  it("intersects, expanding an anyPolicy leaf into the user's policies", () => {
    const anyAll = [ca({ policies: [ANY_POLICY] }), ee({ policies: [ANY_POLICY] })];
    const r = processPolicies(anyAll, { initialExplicitPolicy: true, initialPolicySet: [P2, P3] });
    expect(r.authoritiesConstrainedPolicySet).toEqual([ANY_POLICY]);
    expect(r.userConstrainedPolicySet).toEqual([P2, P3]);
    const miss = processPolicies([ca({ policies: [P1] }), ee({ policies: [P1] })], { initialExplicitPolicy: true, initialPolicySet: [P2] });
    expect(miss.failures[0]).toMatchObject({ kind: "explicit-policy", requiredBy: { by: "initial" }, emptied: { why: "user-set" } });
    // Without initial-explicit-policy an empty user-constrained set is a valid path (RFC 5280, openssl -policy).
    expect(processPolicies([ca({ policies: [P1] }), ee({ policies: [P1] })], { initialPolicySet: [P2] }).ok).toBe(true);
  });
});

describe("policy extensions and findings on real certificates (NIST PKITS)", () => {
  const dir = path.resolve(import.meta.dirname, "../../../shared/testdata/certs/pkits/certs");
  const cert = (f: string) => parseCertificate(new Uint8Array(readFileSync(path.join(dir, `${f}.crt`))));

  it("decodes certificatePolicies, policyMappings, policyConstraints and inhibitAnyPolicy", () => {
    expect(policyCertificate(cert("GoodCACert"), false).policies).toEqual(["2.16.840.1.101.3.2.1.48.1"]);
    expect(policyCertificate(cert("Mapping1to2CACert"), false).mappings).toEqual([{ issuer: "2.16.840.1.101.3.2.1.48.1", subject: "2.16.840.1.101.3.2.1.48.2" }]);
    expect(policyCertificate(cert("requireExplicitPolicy0CACert"), false).requireExplicitPolicy).toBe(0);
    expect(policyCertificate(cert("inhibitPolicyMapping0CACert"), false).inhibitPolicyMapping).toBe(0);
    expect(policyCertificate(cert("inhibitAnyPolicy0CACert"), false).inhibitAnyPolicy).toBe(0);
  });

  it("reports a policy listed twice and an undecodable extension instead of throwing", () => {
    const withExt = (oid: string, value: Uint8Array) => ({ extensionMap: new Map([[oid, { oid, critical: false, value }]]) }) as unknown as ParsedCertificate;
    const twice = encodeSequence([encodeSequence([encodeOid(P1)]), encodeSequence([encodeOid(P1)])]);
    expect(policyCertificate(withExt(OID.certificatePolicies, twice), false)).toMatchObject({ policies: [P1], duplicatePolicies: [P1], malformed: [] });
    expect(policyCertificate(withExt(OID.policyConstraints, new Uint8Array([0x30, 0x05, 0x80])), false).malformed).toEqual([OID.policyConstraints]);
    expect(policyCertificate(withExt(OID.inhibitAnyPolicy, new Uint8Array([0x02, 0x01, 0xff])), false).malformed).toEqual([OID.inhibitAnyPolicy]);
  });

  it("names the CA that requires a policy and the certificate without one", () => {
    const f = policyPathFindings([
      { cert: cert("AllCertificatesNoPoliciesTest2EE"), label: "The leaf certificate" },
      { cert: cert("requireExplicitPolicy0CACert"), label: 'The certificate "CN=requireExplicitPolicy0 CA"' },
    ]);
    expect(f.map((x) => x.code)).toEqual(["POLICY_REQUIRED_EXPLICIT"]);
    expect(f[0]!.index).toBe(0);
    expect(f[0]!.message).toContain('"CN=requireExplicitPolicy0 CA" requires an explicit certificate policy (policyConstraints requireExplicitPolicy 0)');
    expect(f[0]!.message).toContain("the leaf certificate has no certificatePolicies extension");
  });
});
