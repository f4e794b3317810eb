/**
 * The verdict as partners script against it: exactly the CLI's `--json` object
 * `{ verdict, findings, chain, correctedPem? }` (cli/certdesk.ts) and of `POST /api/v1/preflight`, so a pipeline can move
 * from `certdesk check --json` to `POST /api/v1/preflight` without changing its parser.
 */
import type { Verdict } from "./evaluate";

export type VerdictJson = Pick<Verdict, "verdict" | "findings" | "chain"> & { correctedPem?: string };

export function toVerdictJson(verdict: Pick<Verdict, "verdict" | "findings" | "chain" | "correctedPem">): VerdictJson {
  const { verdict: v, findings, chain, correctedPem } = verdict;
  return correctedPem === undefined ? { verdict: v, findings, chain } : { verdict: v, findings, chain, correctedPem };
}
