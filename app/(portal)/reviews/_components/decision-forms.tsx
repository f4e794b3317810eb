"use client";
import { useActionState } from "react";
import { acknowledgeAction, approveAction, rejectAction, requestChangesAction, type ReviewActionState } from "../actions";
import styles from "../reviews.module.css";

function Result({ state, submissionId }: { state: ReviewActionState; submissionId: string }) {
  if (state.error) {
    return (
      <p className="alert alert--error" role="alert">
        {state.error}
        {state.stale ? (
          <>
            {" "}
            <a href={`/reviews/${submissionId}`}>Show the current state</a>
          </>
        ) : null}
      </p>
    );
  }
  return state.ok ? (
    <p className="alert alert--info" role="status">
      {state.ok}
    </p>
  ) : null;
}

/** A reviewer's acknowledgement of one warning: a comment is required. */
export function AcknowledgeForm({ submissionId, findingId, code }: { submissionId: string; findingId: string; code: string }) {
  const [state, action, pending] = useActionState<ReviewActionState, FormData>(acknowledgeAction, {});
  const id = `ack-${findingId}`;
  return (
    <form action={action} className={styles.inlineForm}>
      <input type="hidden" name="submissionId" value={submissionId} />
      <input type="hidden" name="findingId" value={findingId} />
      <div className="field">
        <label htmlFor={id}>Why {code} is acceptable</label>
        <textarea id={id} name="comment" required minLength={1} maxLength={4000} rows={2} />
      </div>
      <button type="submit" className="button button--secondary" disabled={pending}>
        {pending ? "Saving…" : `Acknowledge ${code}`}
      </button>
      <Result state={state} submissionId={submissionId} />
    </form>
  );
}

type Kind = "approve" | "request-changes" | "reject";

const FORMS: Record<Kind, { action: typeof approveAction; label: string; pending: string; comment: string; required: boolean; className: string }> = {
  approve: { action: approveAction, label: "Approve", pending: "Approving…", comment: "Comment (optional)", required: false, className: "button" },
  "request-changes": {
    action: requestChangesAction,
    label: "Request changes",
    pending: "Sending…",
    comment: "What must the partner change? (required)",
    required: true,
    className: "button button--secondary",
  },
  reject: { action: rejectAction, label: "Reject", pending: "Rejecting…", comment: "Why is it rejected? (required)", required: true, className: "button button--secondary" },
};

/** One decision: approve, request changes or reject. The server decides whether it may be taken. */
/** `note`: why the button is disabled (e.g. "You approved at …"), shown beside it and tied to it for screen readers. */
export function DecisionForm({ submissionId, kind, disabled, note }: { submissionId: string; kind: Kind; disabled?: boolean; note?: string }) {
  const f = FORMS[kind];
  const [state, action, pending] = useActionState<ReviewActionState, FormData>(f.action, {});
  const id = `comment-${kind}`;
  return (
    <form action={action} className={styles.decision} aria-label={f.label}>
      <input type="hidden" name="submissionId" value={submissionId} />
      <div className="field">
        <label htmlFor={id}>{f.comment}</label>
        <textarea id={id} name="comment" rows={3} maxLength={4000} required={f.required} />
      </div>
      <button type="submit" className={f.className} disabled={pending || disabled} aria-describedby={note ? `${id}-note` : undefined}>
        {pending ? f.pending : f.label}
      </button>
      {note ? (
        <p id={`${id}-note`} className="meta" data-testid={`${kind}-note`}>
          {note}
        </p>
      ) : null}
      <Result state={state} submissionId={submissionId} />
    </form>
  );
}
