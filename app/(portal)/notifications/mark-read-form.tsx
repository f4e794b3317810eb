"use client";
import { useActionState } from "react";
import { markReadAction, type MarkReadState } from "./actions";

/** "Mark read" for one notification (id) or all of them (no id). */
export function MarkReadForm({ id, label }: { id?: string; label: string }) {
  const [state, action, pending] = useActionState<MarkReadState, FormData>(markReadAction, {});
  return (
    <form action={action}>
      {id ? <input type="hidden" name="id" value={id} /> : <input type="hidden" name="all" value="1" />}
      <button type="submit" className="button button--secondary" disabled={pending}>
        {label}
      </button>
      {state.error ? (
        <p className="alert alert--error" role="alert">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}
