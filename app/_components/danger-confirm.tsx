"use client";
/**
 * A destructive action in two steps (issue 16): a closed <details> whose summary names the
 * action, and inside it a form that says which object is affected and what happens next,
 * with a required confirmation (a checkbox, or typing a name for production) that the
 * server action checks again. Works without JavaScript: <details> is native and the form
 * posts to the server action; on success the action redirects to the page with a notice.
 */
import { useActionState, type ReactNode } from "react";
import { ActionOutcome } from "./action-outcome";

export type DangerState = { ok?: string; error?: string };

export function DangerConfirm({
  action,
  trigger,
  label,
  consequence,
  submitLabel,
  typeToConfirm,
  acknowledge,
  children,
}: {
  action: (state: DangerState, form: FormData) => Promise<DangerState>;
  /** The summary's text, e.g. "Revoke…". */
  trigger: string;
  /** Accessible name of the form: names the object. */
  label: string;
  /** What happens, and what to do next. */
  consequence: ReactNode;
  submitLabel: string;
  /** When set, the user must type this (e.g. the app name) into `confirmName`. */
  typeToConfirm?: string;
  /** The checkbox text when nothing has to be typed; the field is `confirm=yes`. */
  acknowledge?: string;
  children?: ReactNode;
}) {
  const [state, formAction, pending] = useActionState<DangerState, FormData>(action, {});
  return (
    <details className="danger-confirm" open={state.error ? true : undefined}>
      <summary className="button button--danger-outline">{trigger}</summary>
      <form action={formAction} aria-label={label} className="danger-confirm__form">
        <div className="danger-confirm__consequence">{consequence}</div>
        {children}
        {typeToConfirm !== undefined ? (
          <label className="danger-confirm__field">
            <span>
              Type <strong className="mono">{typeToConfirm}</strong> to confirm
            </span>
            <input name="confirmName" required autoComplete="off" spellCheck={false} />
          </label>
        ) : (
          <label className="danger-confirm__check">
            <input type="checkbox" name="confirm" value="yes" required /> {acknowledge ?? "I understand"}
          </label>
        )}
        <button type="submit" className="button button--danger" disabled={pending}>
          {pending ? "Working…" : submitLabel}
        </button>
        <ActionOutcome state={state} />
      </form>
    </details>
  );
}

/** The success message after a redirect (`?notice=`): a status with the next step. */
export function SuccessNotice({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="alert alert--success" role="status" data-testid="success-notice">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}
