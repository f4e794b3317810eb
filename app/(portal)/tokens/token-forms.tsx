"use client";
import { useActionState } from "react";
import { createTokenAction, revokeTokenAction, type TokenState } from "./actions";
import styles from "./tokens.module.css";

export function CreateTokenForm() {
  const [state, action, pending] = useActionState<TokenState, FormData>(createTokenAction, {});
  return (
    <form action={action}>
      <div className="field">
        <label htmlFor="token-name">Token name</label>
        <input id="token-name" name="name" required maxLength={80} placeholder="e.g. CI pipeline" />
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Creating…" : "Create token"}
      </button>
      {state.error ? (
        <p className={`alert alert--error ${styles.created}`} role="alert">
          {state.error}
        </p>
      ) : null}
      {state.token ? (
        <div className={`alert alert--info ${styles.created}`} role="status">
          <p>
            <strong>Copy the token “{state.name}” now.</strong> It is shown only this once; Certdesk keeps only a hash of it.
          </p>
          <p className={`mono ${styles.token}`} data-testid="new-token">
            {state.token}
          </p>
        </div>
      ) : null}
    </form>
  );
}

export function RevokeTokenForm({ tokenId, name }: { tokenId: string; name: string }) {
  const [state, action, pending] = useActionState<TokenState, FormData>(revokeTokenAction, {});
  return (
    <form action={action}>
      <input type="hidden" name="tokenId" value={tokenId} />
      <button type="submit" className="button button--secondary" disabled={pending} aria-label={`Revoke ${name}`}>
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {state.error ? (
        <span className="alert alert--error" role="alert">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
