"use client";
import { useActionState, useState } from "react";
import { commentRequired, DECISION_OUTCOMES, type DecisionOutcome } from "@/lib/reviews/decision-rules";
import { acknowledgeAction, decideAction, type DecisionActionState, type ReviewActionState } from "../actions";
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

const OUTCOMES: Record<DecisionOutcome, { label: string; pending: string; hint: string; comment: string; className: string }> = {
  approve: {
    label: "Approve",
    pending: "Approving…",
    hint: "The engine's checks hold and you accept it; production needs a second reviewer.",
    comment: "Comment (optional)",
    className: "button",
  },
  request_changes: {
    label: "Request changes",
    pending: "Sending…",
    hint: "The partner uploads a corrected chain or CSR, linked to this one.",
    comment: "What must the partner change? (required)",
    className: "button button--secondary",
  },
  reject: {
    label: "Reject",
    pending: "Rejecting…",
    hint: "Final: the partner has to start over with a new submission.",
    comment: "Why is it rejected? (required)",
    className: "button button--danger",
  },
};

function isOutcome(value: string | undefined): value is DecisionOutcome {
  return (DECISION_OUTCOMES as readonly string[]).includes(value ?? "");
}

/**
 * Issue 16: one decision form with the three outcomes. The submit button says what it will do;
 * the comment is required where the outcome needs one (the server checks again, lib/reviews).
 * `approvedNote`: this reviewer already approved ("You approved at …"), so Approve is not offered.
 */
export function DecisionForm({ submissionId, approvedNote }: { submissionId: string; approvedNote?: string }) {
  const [state, action, pending] = useActionState<DecisionActionState, FormData>(decideAction, {});
  return (
    <form action={action} className={styles.decision} aria-label="Your decision">
      <input type="hidden" name="submissionId" value={submissionId} />
      {/* Remounted per answer: a refusal restores the reviewer's choice and words, a success starts afresh. */}
      <DecisionFields key={state.nonce ?? 0} state={state} approvedNote={approvedNote} pending={pending} />
      <Result state={state} submissionId={submissionId} />
    </form>
  );
}

function DecisionFields({ state, approvedNote, pending }: { state: DecisionActionState; approvedNote?: string; pending: boolean }) {
  const sent = state.values?.outcome;
  const [outcome, setOutcome] = useState<DecisionOutcome | undefined>(isOutcome(sent) ? sent : approvedNote ? undefined : "approve");
  const chosen = outcome ? OUTCOMES[outcome] : undefined;
  const errors = state.fieldErrors ?? {};
  return (
    <>
      <fieldset className={styles.outcomes} aria-describedby={errors.outcome ? "outcome-error" : undefined}>
        <legend>Outcome</legend>
        {DECISION_OUTCOMES.map((k) => {
          const disabled = k === "approve" && !!approvedNote;
          const described = [`outcome-${k}-hint`, disabled ? "approve-note" : ""].filter(Boolean).join(" ");
          return (
            <div key={k} className={styles.outcome}>
              <input
                type="radio"
                id={`outcome-${k}`}
                name="outcome"
                value={k}
                required
                checked={outcome === k}
                disabled={disabled}
                onChange={() => setOutcome(k)}
                aria-describedby={described}
              />
              <label htmlFor={`outcome-${k}`}>{OUTCOMES[k].label}</label>
              <p id={`outcome-${k}-hint`} className="meta">
                {OUTCOMES[k].hint}
              </p>
            </div>
          );
        })}
        {approvedNote ? (
          <p id="approve-note" className="meta" data-testid="approve-note">
            {approvedNote}
          </p>
        ) : null}
        {errors.outcome ? (
          <p id="outcome-error" className="alert alert--error" role="alert">
            {errors.outcome}
          </p>
        ) : null}
      </fieldset>
      <div className="field">
        <label htmlFor="decision-comment">{chosen?.comment ?? "Comment"}</label>
        <textarea
          id="decision-comment"
          name="comment"
          rows={4}
          maxLength={4000}
          required={outcome ? commentRequired(outcome) : false}
          defaultValue={state.values?.comment ?? ""}
          aria-invalid={errors.comment ? true : undefined}
          aria-describedby={errors.comment ? "comment-error" : undefined}
        />
        {errors.comment ? (
          <p id="comment-error" className="alert alert--error" role="alert">
            {errors.comment}
          </p>
        ) : null}
      </div>
      <button type="submit" className={chosen?.className ?? "button"} disabled={pending || !chosen}>
        {pending && chosen ? chosen.pending : (chosen?.label ?? "Choose an outcome")}
      </button>
    </>
  );
}
