"use client";
/** A form bound to a scheduling server action, showing its outcome (or refusal) next to it. */
import { useActionState, type ReactNode } from "react";
import type { ActionState } from "../actions";
import { ActionOutcome } from "@/app/_components/action-outcome";

export function ActionForm({
  action,
  submitLabel,
  pendingLabel,
  children,
  secondary,
  label,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  submitLabel: string;
  pendingLabel?: string;
  children?: ReactNode;
  secondary?: boolean;
  /** Accessible name of the form (several identical forms sit on one page). */
  label?: string;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, {});
  return (
    <form action={formAction} className="inline-form" aria-label={label}>
      {children}
      <button type="submit" className={secondary ? "button button--secondary" : "button"} disabled={pending}>
        {pending ? (pendingLabel ?? "Working…") : submitLabel}
      </button>
      <ActionOutcome state={state} />
    </form>
  );
}
