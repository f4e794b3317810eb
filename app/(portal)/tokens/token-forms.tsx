"use client";
import { useActionState } from "react";
import { createTokenAction, revokeTokenAction, type TokenState } from "./actions";
import styles from "./tokens.module.css";
import { DangerConfirm } from "@/app/_components/danger-confirm";
import { CopyButton } from "@/app/_components/copy-button";

/** `revokedIds`: tokens revoked since; a revoked token's secret is no longer shown (issue 16). */
export function CreateTokenForm({ revokedIds = [] }: { revokedIds?: string[] }) {
  const [state, action, pending] = useActionState<TokenState, FormData>(createTokenAction, {});
  return (
    <form action={action}>
      <div className="field">
        <label htmlFor="token-name">Token name</label>
        <input id="token-name" name="name" required maxLength={80} placeholder="e.g. CI pipeline" />
      </div>
      <div className="field">
        <label htmlFor="token-expires">Expires after (optional)</label>
        <input id="token-expires" name="expires" type="date" aria-describedby="token-expires-hint" />
        <p id="token-expires-hint" className="meta">
          The token works through the end of this day (UTC), then the API refuses it. Leave empty for a token that lasts until you revoke it.
        </p>
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Creating…" : "Create token"}
      </button>
      {state.error ? (
        <p className={`alert alert--error ${styles.created}`} role="alert">
          {state.error}
        </p>
      ) : null}
      {state.token && state.tokenId && revokedIds.includes(state.tokenId) ? (
        <p className={`alert alert--info ${styles.created}`} role="status">
          The token “{state.name}” was revoked; its secret is no longer shown.
        </p>
      ) : state.token ? (
        <div className={`alert alert--info ${styles.created}`} role="status">
          <p>
            <strong>Copy the token “{state.name}” now.</strong> It is shown only this once; Certdesk keeps only a hash of it.
          </p>
          <p className={`mono ${styles.token}`} data-testid="new-token" id="new-token">
            {state.token}
          </p>
          <p>
            <CopyButton text={state.token} label="Copy token" describedBy="new-token" />
          </p>
          <p>{state.expiresAt ? `Expires ${state.expiresAt.slice(0, 16).replace("T", " ")} UTC.` : "No expiry: it works until you revoke it."}</p>
        </div>
      ) : null}
    </form>
  );
}

export function RevokeTokenForm({ tokenId, name }: { tokenId: string; name: string }) {
  return (
    <DangerConfirm
      action={revokeTokenAction}
      trigger="Revoke…"
      label={`Revoke token ${name}`}
      submitLabel={`Revoke ${name}`}
      acknowledge={`I understand that calls with “${name}” are refused from now on`}
      consequence={
        <p>
          <strong>Revoke the token “{name}”?</strong> Every API call made with it is refused at once and this cannot be undone. Next, create a new
          token and put it where your automation keeps its secret.
        </p>
      }
    >
      <input type="hidden" name="tokenId" value={tokenId} />
    </DangerConfirm>
  );
}
