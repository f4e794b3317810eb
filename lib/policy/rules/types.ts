/**
 * The shape of a rule, zlint/pkilint style: each finding a rule can emit carries its own
 * metadata (code, default severity, title, the provider texts it implements with a short
 * quote) and the builders of its message and fix; the rule's `check` reads a typed context
 * and returns findings built from those definitions. docs/findings.md is generated from
 * this metadata (`npm run docs`).
 */
import type { Finding, FindingCode, FindingSubject, Severity } from "../../pki/findings";
import type { FindingDocText, FindingSource } from "../../pki/finding-docs";
import type { Program } from "../program";
import { finding } from "../messages";
import type { ChainContext, CsrContext, CsrSetContext, UploadContext } from "./context";

/**
 * Where a rule comes from: one of the providers' texts in ../shared/requirements (by its
 * number: "001" is 001_45adadcb174f5a02.txt), or "house" for Certdesk's own floor (CA/Browser
 * Forum key sizes, X.509 path rules) where no text sets one.
 */
export type Source = FindingSource;

export type FindingDef<A> = {
  code: FindingCode;
  /** Default severity; a check may pass another one for a variant (documented in the message). */
  severity: Severity;
  /** One line: what the finding says, for the docs' table. */
  title: string;
  sources: readonly Source[];
  message: (args: A) => string;
  fix?: (args: A) => string | undefined;
  /**
   * The code's section in docs/findings.md (summary starting with its usual severity, generic
   * fix). Exactly one definition per code carries it, usually the code's first.
   */
  doc?: FindingDocText;
};

/** A finding definition plus `make`, which builds the finding exactly as the engine always wrote it. */
export type FindingKind<A> = FindingDef<A> & {
  make(args: A, opts?: { certificate?: FindingSubject; severity?: Severity }): Finding;
};

/** Any finding definition, whatever its builders' argument (for lists and the docs). */
export type AnyFindingDef = Omit<FindingDef<never>, "message" | "fix">;

/**
 * Declares a finding kind.
 *
 * @example
 * const LEAF_IS_CA = defineFinding<{ leafName: string }>({
 *   code: "LEAF_IS_CA", severity: "error", title: "The client certificate is a CA certificate",
 *   sources: [{ text: "001", quote: "CA and TLS Client roles cannot be mixed in same certificate" }],
 *   message: (a) => `${a.leafName} is a CA certificate …`,
 * });
 * LEAF_IS_CA.make({ leafName: '"Acme"' }, { certificate });
 */
export function defineFinding<A = void>(def: FindingDef<A>): FindingKind<A> {
  return {
    ...def,
    make(args, opts = {}) {
      const fix = def.fix?.(args);
      return finding(def.code, opts.severity ?? def.severity, def.message(args), {
        ...(opts.certificate ? { certificate: opts.certificate } : {}),
        ...(fix ? { fix } : {}),
      });
    },
  };
}

/** When a rule runs: on the upload as a whole, on the leaf's chain, on each CSR, or on all CSRs together. */
export type Stage = "upload" | "chain" | "csr" | "csrs";

export type StageContext = {
  upload: UploadContext;
  chain: ChainContext;
  csr: CsrContext;
  csrs: CsrSetContext;
};

export type Rule<S extends Stage = Stage> = {
  /** Stable kebab-case name, e.g. "leaf-validity". */
  id: string;
  stage: S;
  /** One sentence for the docs: what the rule checks. */
  description: string;
  /** Every finding kind the rule can emit (its metadata, for the docs). */
  findings: readonly AnyFindingDef[];
  /**
   * Whether the rule can fire at all under a program's settings (for the per-program tables
   * of docs/programs.md). The check itself reads the program too; this only documents it.
   */
  appliesTo?: (program: Program) => boolean;
  check(ctx: StageContext[S]): Finding[];
};

/** A rule of any stage, as the registry lists them. */
export type AnyRule = { [S in Stage]: Rule<S> }[Stage];

/** Helper so each module's literal keeps its stage's context type. */
export function defineRule<S extends Stage>(rule: Rule<S>): Rule<S> {
  return rule;
}
