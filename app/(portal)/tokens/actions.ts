"use server";
/** API token actions: thin; lib/auth/api-tokens decides and audits. */
import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db";
import { requireApiUser } from "@/lib/auth/session";
import { clientIpFrom, userAgentFrom } from "@/lib/auth/client-ip";
import { toPublicError } from "@/lib/auth/app-error";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";

export type TokenState = { token?: string; name?: string; error?: string; ok?: string };

async function meta() {
  const h = await headers();
  return { ip: clientIpFrom(h), userAgent: userAgentFrom(h) };
}

export async function createTokenAction(_: TokenState, form: FormData): Promise<TokenState> {
  const name = form.get("name");
  try {
    const user = await requireApiUser();
    const created = await createApiToken(await getDb(), { user, name: typeof name === "string" ? name : "", meta: await meta() });
    revalidatePath("/tokens");
    // Shown once, in this response only; the database keeps its hash.
    return { token: created.token, name: created.summary.name };
  } catch (error) {
    return { error: toPublicError(error).message };
  }
}

export async function revokeTokenAction(_: TokenState, form: FormData): Promise<TokenState> {
  const tokenId = form.get("tokenId");
  try {
    const user = await requireApiUser();
    await revokeApiToken(await getDb(), { user, tokenId: typeof tokenId === "string" ? tokenId : "", now: new Date(), meta: await meta() });
    revalidatePath("/tokens");
    return { ok: "Token revoked. Calls with it are refused from now on." };
  } catch (error) {
    return { error: toPublicError(error).message };
  }
}
