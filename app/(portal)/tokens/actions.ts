"use server";
/** API token actions: thin; lib/auth/api-tokens decides and audits. */
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/lib/db";
import { requireApiUser } from "@/lib/auth/session";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { toPublicError } from "@/lib/auth/app-error";
import { createApiToken, parseTokenExpiry, revokeApiToken } from "@/lib/auth/api-tokens";

export type TokenState = { token?: string; tokenId?: string; name?: string; expiresAt?: string | null; error?: string; ok?: string };

async function meta() {
  const h = await headers();
  return { ip: clientIpFrom(h), userAgent: userAgentFrom(h) };
}

export async function createTokenAction(_: TokenState, form: FormData): Promise<TokenState> {
  const name = form.get("name");
  const expires = form.get("expires");
  try {
    const user = await requireApiUser();
    // Issue 16: an optional expiry day (the token works through its end, UTC).
    const expiresAt = parseTokenExpiry(typeof expires === "string" ? expires : "", new Date());
    const created = await createApiToken(await getDb(), { user, name: typeof name === "string" ? name : "", expiresAt, meta: await meta() });
    revalidatePath("/tokens");
    // Shown once, in this response only; the database keeps its hash.
    return { token: created.token, tokenId: created.summary.id, name: created.summary.name, expiresAt: created.summary.expiresAt?.toISOString() ?? null };
  } catch (error) {
    return { error: toPublicError(error).message };
  }
}

export async function revokeTokenAction(_: TokenState, form: FormData): Promise<TokenState> {
  const tokenId = form.get("tokenId");
  // Issue 16: the confirmation is checked on the server too (the page's checkbox is required).
  if (form.get("confirm") !== "yes") return { error: "Tick the box to confirm the revocation." };
  try {
    const user = await requireApiUser();
    await revokeApiToken(await getDb(), { user, tokenId: typeof tokenId === "string" ? tokenId : "", now: new Date(), meta: await meta() });
    revalidatePath("/tokens");
  } catch (error) {
    return { error: toPublicError(error).message };
  }
  // Outside the try: redirect() throws to navigate; the page shows the outcome.
  redirect("/tokens?notice=token-revoked");
}
