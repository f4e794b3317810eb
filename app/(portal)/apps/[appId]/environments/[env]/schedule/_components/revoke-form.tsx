"use client";
import { useActionState } from "react";
import { reportCompromiseAction, type RevokeState } from "../actions";
import { ActionOutcome } from "@/app/_components/action-outcome";

export function ReportCompromiseForm({ submissionId, subject }: { submissionId: string; subject: string }) {
  const [state, action, pending] = useActionState<RevokeState, FormData>(reportCompromiseAction, {});
  return (
    <form action={action} className="inline-form" aria-label={`Report key compromise for ${subject}`}>
      <input type="hidden" name="submissionId" value={submissionId} />
      <input type="hidden" name="reason" value="key-compromise" />
      <input name="comment" maxLength={1000} placeholder="What happened (optional)" aria-label="What happened" />
      <button type="submit" className="button button--secondary" disabled={pending}>
        {pending ? "Revoking…" : "Report key compromise — revoke now"}
      </button>
      <ActionOutcome state={state} />
    </form>
  );
}
