/**
 * next-auth (v4) configuration: JWT sessions; credentials sign-in for the demo users
 * in local mode only; the company's OIDC provider in aws mode. Identity is then read
 * only through lib/auth/session.ts.
 */
import type { AuthOptions, User } from "next-auth";
import type { JWT } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { getConfig, type Config } from "@/lib/config";
import { getDb, type Role } from "@/lib/db";
import { recordAudit } from "@/lib/audit";
import { findActiveUserByEmail, type Membership } from "./access";
import { clientIpFrom, userAgentFrom } from "./client-ip";
import { signInWithPassword } from "./credentials";
import { signInWithOidc, type OidcProfile } from "./oidc";
import { safeCallbackPath } from "./redirect";
import { endSession, SESSION_ABSOLUTE_SECONDS, startSession } from "./sessions";

/**
 * The JWT cookie lives for the absolute session lifetime (8 h); the session it points to
 * is checked server-side on every request, with a 30-minute idle limit (lib/auth/sessions).
 */
export const SESSION_MAX_AGE_SECONDS = SESSION_ABSOLUTE_SECONDS;

/** The error code the sign-in page turns into "too many attempts, try again in N minutes". */
export const RATE_LIMITED_PREFIX = "RATE_LIMITED:";

export type CertdeskToken = JWT & {
  uid?: string;
  /** The server-side session (auth_sessions.id) this token stands for. */
  sid?: string;
  roles?: Role[];
  memberships?: Pick<Membership, "organisationId" | "name" | "role">[];
};

function resolveSecret(config: Config): string {
  if (config.auth.secret) return config.auth.secret;
  // Local mode: `npm start` creates <dataDir>/auth-secret (lib/embedded) and hands it to
  // this bundle as CERTDESK_AUTH_SECRET. Not read here: a file read in the Next bundle
  // would make the standalone trace pull in the whole project.
  throw new Error(
    config.mode === "local"
      ? "No auth secret: start the portal with `npm start` / `npm run dev` (they create one), or set CERTDESK_AUTH_SECRET."
      : "CERTDESK_AUTH_SECRET is required in aws mode",
  );
}

/** IP and user agent of the request being handled, for the audit trail (empty outside a request). */
async function requestContext(): Promise<{ ip?: string; userAgent?: string }> {
  try {
    const { headers } = await import("next/headers");
    const h = await headers();
    return { ip: clientIpFrom(h) ?? undefined, userAgent: userAgentFrom(h) ?? undefined };
  } catch {
    return {};
  }
}

function buildProviders(config: Config): AuthOptions["providers"] {
  const providers: AuthOptions["providers"] = [];
  if (config.auth.credentials) {
    providers.push(
      CredentialsProvider({
        id: "credentials",
        name: "E-mail and password",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          // Belt and braces: aws mode never registers this provider, and refuses here too.
          if (getConfig().mode !== "local") return null;
          const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
          const result = await signInWithPassword(await getDb(), {
            email: credentials?.email,
            password: credentials?.password,
            ip: clientIpFrom(headers),
            userAgent: userAgentFrom(headers),
            now: new Date(),
          });
          if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name } satisfies User;
          if (result.reason === "rate_limited") throw new Error(`${RATE_LIMITED_PREFIX}${result.retryAfterMinutes}`);
          return null;
        },
      }),
    );
  }
  if (config.auth.oidc) {
    const { issuer, clientId, clientSecret } = config.auth.oidc;
    providers.push({
      id: "oidc",
      name: "your company account",
      type: "oauth",
      wellKnown: `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId,
      clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state", "nonce"],
      profile(profile: OidcProfile) {
        return {
          id: String(profile.sub ?? ""),
          email: typeof profile.email === "string" ? profile.email : null,
          name: typeof profile.name === "string" ? profile.name : null,
        };
      },
    });
  }
  return providers;
}

/** Builds the options for the current configuration. */
export async function buildAuthOptions(config: Config = getConfig()): Promise<AuthOptions> {
  // next-auth builds callback URLs from NEXTAUTH_URL; without it, it would trust the Host header.
  process.env.NEXTAUTH_URL ??= config.publicUrl;
  const secret = resolveSecret(config);
  return {
    secret,
    providers: buildProviders(config),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    useSecureCookies: config.publicUrl.startsWith("https://"),
    logger: {
      // next-auth logs whole errors, which may include the e-mail typed; keep codes only.
      error: (code) => console.error(`next-auth error: ${code}`),
      warn: (code) => console.warn(`next-auth warning: ${code}`),
      debug: () => {},
    },
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== "oidc") return true; // credentials were checked in authorize()
        const result = await signInWithOidc(await getDb(), { profile: (profile ?? {}) as OidcProfile, ...(await requestContext()) });
        return result.ok;
      },
      async jwt({ token, user }) {
        const t = token as CertdeskToken;
        if (user?.email) {
          // First call after sign-in: attach our user id and memberships (for OIDC
          // `user.id` is the IdP's subject, not ours).
          const dbUser = await findActiveUserByEmail(await getDb(), user.email);
          if (!dbUser) return { ...t, uid: undefined, sid: undefined };
          t.uid = dbUser.id;
          t.sid = await startSession(await getDb(), { userId: dbUser.id, now: new Date() });
          t.email = dbUser.email;
          t.name = dbUser.name;
          t.roles = dbUser.roles;
          t.memberships = dbUser.memberships.map(({ organisationId, name, role }) => ({ organisationId, name, role }));
        }
        return t;
      },
      async session({ session, token }) {
        const t = token as CertdeskToken;
        return {
          ...session,
          user: { id: t.uid, sid: t.sid, email: t.email, name: t.name, roles: t.roles ?? [], memberships: t.memberships ?? [] },
        };
      },
      async redirect({ url, baseUrl }) {
        // Only same-origin targets: an open redirect after sign-in is a phishing aid.
        // Sign-out's own target is /signin?signedOut=1, hence allowSignInPage.
        return `${baseUrl.replace(/\/$/, "")}${safeCallbackPath(url, baseUrl, { allowSignInPage: true })}`;
      },
    },
    events: {
      async signOut({ token }) {
        const t = token as CertdeskToken | undefined;
        // Ends this session and bumps the user's session version: the cookie, replayed, is refused.
        await endSession(await getDb(), { sid: t?.sid, userId: t?.uid, now: new Date(), reason: "sign-out" });
        await recordAudit(await getDb(), {
          actorUserId: t?.uid,
          actorEmail: t?.email ?? undefined,
          role: t?.roles?.join(","),
          action: "auth.sign-out",
          outcome: "success",
          ...(await requestContext()),
        });
      },
    },
  };
}

let cached: Promise<AuthOptions> | undefined;

/** The process-wide options (the secret may come from a file; read it once). */
export function getAuthOptions(): Promise<AuthOptions> {
  cached ??= buildAuthOptions().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
