"use client";
import { reportCompromiseAction } from "../actions";
import { DangerConfirm } from "@/app/_components/danger-confirm";

/**
 * Emergency revocation of a certificate in service, in two steps (issue 16): it names the
 * certificate and what stops working; production asks for the app's name to be typed.
 */
export function ReportCompromiseForm({
  submissionId,
  subject,
  appId,
  appName,
  environmentKey,
  environmentLabel,
  production,
}: {
  submissionId: string;
  subject: string;
  appId: string;
  appName: string;
  environmentKey: string;
  environmentLabel: string;
  production: boolean;
}) {
  return (
    <DangerConfirm
      action={reportCompromiseAction}
      trigger="Report key compromise…"
      label={`Report key compromise for ${subject}`}
      submitLabel="Report key compromise — revoke now"
      typeToConfirm={production ? appName : undefined}
      acknowledge={`I understand that ${subject} stops working at once`}
      consequence={
        <>
          <p>
            <strong>Revoke {subject}</strong> in {appName} — {environmentLabel}
            {production ? " (production)" : ""}? This cannot be undone.
          </p>
          <p>
            The gateway stops trusting this certificate within a minute and every call made with it fails. Next, upload a replacement
            made from a new key.
          </p>
        </>
      }
    >
      <input type="hidden" name="submissionId" value={submissionId} />
      <input type="hidden" name="appId" value={appId} />
      <input type="hidden" name="environmentKey" value={environmentKey} />
      <input type="hidden" name="reason" value="key-compromise" />
      <label className="danger-confirm__field">
        <span>What happened (optional)</span>
        <input name="comment" maxLength={1000} />
      </label>
    </DangerConfirm>
  );
}
