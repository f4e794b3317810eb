/**
 * Per-stage values set with `npx sst secret set <Name> <value> --stage <stage>`.
 *
 * The auth secret signs next-auth's session JWTs; the OIDC client secret proves the portal
 * to the provider's identity provider. The issuer and client id are not secret, but they
 * differ per stage and belong next to the client secret, so they are stored the same way.
 * No defaults: a deploy with one unset fails naming it, instead of running with a guess.
 */
export function createSecrets() {
  return {
    authSecret: new sst.Secret("AuthSecret"),
    oidcIssuer: new sst.Secret("OidcIssuer"),
    oidcClientId: new sst.Secret("OidcClientId"),
    oidcClientSecret: new sst.Secret("OidcClientSecret"),
  };
}

export type Secrets = ReturnType<typeof createSecrets>;
