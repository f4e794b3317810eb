import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db";
import { requireRole } from "@/lib/auth/session";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { DateTime, EmptyState, PageHeader } from "@/app/_components/ui";
import { CreateTokenForm, RevokeTokenForm } from "./token-forms";
import { SuccessNotice } from "@/app/_components/danger-confirm";

export const metadata: Metadata = { title: "API tokens" };

export default async function TokensPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const notice = (await searchParams).notice;
  const user = await requireRole("partner", { returnTo: "/tokens" });
  const tokens = await listApiTokens(await getDb(), user);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="API tokens"
        intro={
          <>
            Tokens let your automation call the Certdesk partner API for {user.memberships.find((m) => m.role === "partner")?.name}: send{" "}
            <code>Authorization: Bearer certdesk_…</code>. A token acts for your organisation only. How to call the API:{" "}
            <Link href="/help/api">Partner API documentation</Link>.
          </>
        }
      />
      {notice === "token-revoked" ? (
        <SuccessNotice title="Token revoked. Calls with it are refused from now on.">
          <p>Next step: create a new token below if your automation still needs one, and remove the old one from where it was stored.</p>
        </SuccessNotice>
      ) : null}
      <section className="card" aria-labelledby="create">
        <h2 id="create">Create a token</h2>
        <CreateTokenForm revokedIds={tokens.filter((t) => t.revokedAt).map((t) => t.id)} />
      </section>
      <section aria-labelledby="list">
        <h2 id="list">Your organisation's tokens</h2>
        {tokens.length === 0 ? (
          <EmptyState title="No API tokens yet" />
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Starts with</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td className="mono">{t.prefix}…</td>
                    <td>
                      <DateTime value={t.createdAt} />
                    </td>
                    <td>{t.lastUsedAt ? <DateTime value={t.lastUsedAt} /> : "Never"}</td>
                    <td>
                      {t.expiresAt ? (
                        <>
                          {t.expiresAt.getTime() <= now.getTime() ? "Expired " : null}
                          <DateTime value={t.expiresAt} />
                        </>
                      ) : (
                        "Never"
                      )}
                    </td>
                    <td>
                      {t.revokedAt ? (
                        <>
                          Revoked <DateTime value={t.revokedAt} />
                        </>
                      ) : (
                        <RevokeTokenForm tokenId={t.id} name={t.name} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
