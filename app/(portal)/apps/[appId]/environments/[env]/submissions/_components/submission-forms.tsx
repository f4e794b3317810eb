"use client";
import { useActionState } from "react";
import { submitForReviewAction, withdrawAction, type ActionState } from "../[submissionId]/actions";
import styles from "./submissions.module.css";
import { ActionOutcome } from "@/app/_components/action-outcome";

type Warning = { id: string; code: string; message: string };

/** "Submit for review": offered only without errors; each warning needs its own acknowledgement. */
export function SubmitForReviewForm({ submissionId, path, warnings }: { submissionId: string; path: string; warnings: Warning[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(submitForReviewAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="submissionId" value={submissionId} />
      <input type="hidden" name="path" value={path} />
      {warnings.length > 0 ? (
        <fieldset>
          <legend>Acknowledge each warning before sending</legend>
          {warnings.map((w) => (
            <div key={w.id} className={styles.ack}>
              <input type="checkbox" id={`ack-${w.id}`} name="acknowledged" value={w.id} required />
              <label htmlFor={`ack-${w.id}`}>
                I have read <span className={styles.code}>{w.code}</span>: {w.message}
              </label>
            </div>
          ))}
        </fieldset>
      ) : null}
      <div className={styles.actions}>
        <button type="submit" className="button" disabled={pending}>
          {pending ? "Sending…" : "Submit for review"}
        </button>
      </div>
      <ActionOutcome state={state} />
    </form>
  );
}

export function WithdrawForm({ submissionId, path, label }: { submissionId: string; path: string; label: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(withdrawAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="submissionId" value={submissionId} />
      <input type="hidden" name="path" value={path} />
      <button type="submit" className="button button--secondary" disabled={pending}>
        {pending ? "Withdrawing…" : label}
      </button>
      <ActionOutcome state={state} />
    </form>
  );
}
