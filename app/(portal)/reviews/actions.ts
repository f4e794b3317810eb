"use server";
/** Thin server actions for reviewers: parse, call one lib/reviews function, map the outcome to form state. */
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/lib/db";
import { getConfig } from "@/lib/config";
import { getStorage } from "@/lib/storage";
import { issueForSubmission } from "@/lib/ca/issue-certificates";
import { caDeps } from "@/lib/ca/runtime";
import { requireApiUser } from "@/lib/auth/session";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { toPublicError } from "@/lib/auth/app-error";
import { acknowledgeWarning } from "@/lib/reviews/acknowledge-warning";
import { AlreadyDecidedError } from "@/lib/reviews/decide";
import { decideSubmission, parseDecision, type DecisionFieldErrors } from "@/lib/reviews/decide-submission";

/** `stale`: another reviewer decided first; the message says what the submission now is and who decided. */
export type ReviewActionState = { ok?: string; error?: string; stale?: boolean; nonce?: number };

const base = z.object({ submissionId: z.string().max(64), comment: z.string().max(8_000).optional() });
const ackSchema = base.extend({ findingId: z.string().max(64) });

async function context() {
  const reviewer = await requireApiUser();
  const h = await headers();
  return { db: await getDb(), reviewer, meta: { ip: clientIpFrom(h), userAgent: userAgentFrom(h) } };
}

function field(form: FormData, name: string): string | undefined {
  const value = form.get(name);
  return typeof value === "string" ? value : undefined;
}

async function run(form: FormData, act: (c: Awaited<ReturnType<typeof context>>, input: z.infer<typeof base>) => Promise<string>): Promise<ReviewActionState> {
  const parsed = base.safeParse({ submissionId: field(form, "submissionId"), comment: field(form, "comment") });
  if (!parsed.success) return { error: "The form was incomplete; reload the page." };
  try {
    const ok = await act(await context(), parsed.data);
    revalidatePath(`/reviews/${parsed.data.submissionId}`);
    revalidatePath("/reviews");
    return { ok, nonce: Date.now() };
  } catch (error) {
    // Someone else decided first. The page is NOT redrawn here: that would remove this form and
    // with it the message; the message names the current state and who decided, with a link to reload.
    if (error instanceof AlreadyDecidedError) return { error: error.message, stale: true };
    return { error: toPublicError(error).message };
  }
}

/** The decision form's state: besides the outcome message, the per-field errors and the values sent, so a refusal keeps what the reviewer typed. */
export type DecisionActionState = ReviewActionState & {
  fieldErrors?: DecisionFieldErrors;
  values?: { outcome?: string; comment?: string };
};

/** Issue 16: one decision form, three outcomes; lib/reviews validates the fields and takes the decision. */
export async function decideAction(_: DecisionActionState, form: FormData): Promise<DecisionActionState> {
  const values = { outcome: field(form, "outcome"), comment: field(form, "comment")?.slice(0, 8_000) };
  const parsed = parseDecision(values);
  if (!parsed.ok) return { fieldErrors: parsed.fieldErrors, values, nonce: Date.now() };
  const decision = parsed.value;
  const state = await run(form, async ({ db, reviewer, meta }, input) => {
    // Locally the portal signs at once; on AWS only the issuer function may sign (infra/ca.ts), within a minute.
    const config = getConfig();
    const issue = config.mode === "local" ? (id: string) => issueForSubmission(caDeps(config, { db, storage: getStorage() }), id) : undefined;
    const result = await decideSubmission({ db, issue }, { reviewer, meta, submissionId: input.submissionId, ...decision });
    switch (result.outcome) {
      case "approve":
        return result.approval.status === "approved"
          ? "Approved. The partner has been notified."
          : `Your approval is recorded (${result.approval.approvals} of ${result.approval.approvalsRequired}); a different reviewer must approve too.`;
      case "request_changes":
        return "Changes requested. The partner has been notified with your comment.";
      case "reject":
        return "Rejected. The partner has been notified with your comment.";
      default: {
        const never: never = result;
        throw new Error(`unknown outcome ${String(never)}`);
      }
    }
  });
  // A refusal keeps the reviewer's choice and words on the form; a success starts it afresh.
  return state.error ? { ...state, values, nonce: Date.now() } : state;
}

export async function acknowledgeAction(_: ReviewActionState, form: FormData): Promise<ReviewActionState> {
  const parsed = ackSchema.safeParse({ submissionId: field(form, "submissionId"), comment: field(form, "comment"), findingId: field(form, "findingId") });
  if (!parsed.success) return { error: "The form was incomplete; reload the page." };
  return run(form, async ({ db, reviewer, meta }) => {
    const result = await acknowledgeWarning({ db }, { reviewer, meta, submissionId: parsed.data.submissionId, findingId: parsed.data.findingId, comment: parsed.data.comment ?? "" });
    return `${result.code} acknowledged.`;
  });
}
