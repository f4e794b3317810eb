"use client";
/**
 * Book (or move) a certificate into a window (issue 16 item 5). Only the windows the rules
 * allow can be chosen; the others are listed greyed out with the reason. The choice (and a
 * typed reason) stays as it was after a refusal: the form is submitted without React's
 * reset, so support sees what they chose next to why it was refused.
 */
import { startTransition, useActionState, useId, useState, type FormEvent, type ReactNode } from "react";
import type { ActionState } from "../../actions";
import { ActionOutcome } from "@/app/_components/action-outcome";

/** `when`: the window's date; `label`: the option text (with the reason when greyed out). */
export type WindowOption = { value: string; when: string; label: string; disabled: boolean; reason?: string };

export function WindowSelectForm({
  action,
  label,
  selectName,
  selectLabel,
  placeholder,
  options,
  submitLabel,
  pendingLabel,
  secondary,
  reasonField,
  children,
}: {
  action: (state: ActionState, form: FormData) => Promise<ActionState>;
  /** Accessible name of the form (several sit on one page). */
  label: string;
  selectName: string;
  selectLabel: string;
  placeholder: string;
  options: WindowOption[];
  submitLabel: string;
  pendingLabel?: string;
  secondary?: boolean;
  /** The move form's "reason" text input (the partner sees it). */
  reasonField?: { name: string; label: string };
  /** Hidden inputs. */
  children?: ReactNode;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(action, {});
  const id = useId();
  const [choice, setChoice] = useState("");
  const [reason, setReason] = useState("");
  const unavailable = options.filter((o) => o.disabled && o.reason);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    // Dispatch ourselves: a form `action` resets the fields afterwards, losing the choice on a refusal.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  };
  return (
    <form action={formAction} onSubmit={onSubmit} className="inline-form window-select-form" aria-label={label}>
      {children}
      <label className="visually-hidden" htmlFor={id}>
        {selectLabel}
      </label>
      <select id={id} name={selectName} required value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="" disabled>
          {placeholder}
        </option>
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
      {reasonField ? (
        <input
          name={reasonField.name}
          required
          minLength={3}
          maxLength={500}
          placeholder={reasonField.label}
          aria-label={reasonField.label}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      ) : null}
      <button type="submit" className={secondary ? "button button--secondary" : "button"} disabled={pending}>
        {pending ? (pendingLabel ?? "Working…") : submitLabel}
      </button>
      <ActionOutcome state={state} />
      {unavailable.length > 0 ? (
        <details className="window-select-form__unavailable">
          <summary>
            {unavailable.length} greyed out — why
          </summary>
          <ul className="plain-list" aria-label={`Windows not available: ${label}`}>
            {unavailable.map((o) => (
              <li key={o.value}>
                {o.when}: {o.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </form>
  );
}
