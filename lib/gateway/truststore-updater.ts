/**
 * Points API Gateway at a new trust store version.
 *
 * API Gateway reads a custom domain's mutual-TLS trust store only at the S3 object version
 * the domain names (`truststoreVersion`); writing a new `current/truststore.pem` changes
 * nothing at the gateway until the domain is updated. After each publication the activation
 * job calls `update` with the VersionId of the object it just wrote; API Gateway answers with
 * `truststoreWarnings` (certificates it could not use: expired, no path to a root…), which
 * the job stores on the version row for support.
 *
 * The domain is found by its trust store URI (`s3://<bucket>/truststores/<program>/<env>/
 * current/truststore.pem`), so the job needs no list of domain names in its configuration:
 * the URI is the join key infra/gateway.ts sets on the domain.
 */
import { ApiGatewayV2Client, GetDomainNamesCommand, UpdateDomainNameCommand, type DomainName } from "@aws-sdk/client-apigatewayv2";
import type { GatewayScope } from "./authorize";
import { truststoreKeys } from "./clients-cache";

import type { GatewayTruststoreUpdater } from "./updater-types";

export type { GatewayTruststoreUpdater, TruststoreUpdate, TruststoreUpdateResult } from "./updater-types";

export function truststoreUri(bucket: string, scope: GatewayScope): string {
  return `s3://${bucket}/${truststoreKeys(scope).truststore}`;
}

export function createApiGatewayTruststoreUpdater(options: { client: ApiGatewayV2Client; bucket: string }): GatewayTruststoreUpdater {
  const { client, bucket } = options;
  async function findDomain(uri: string): Promise<DomainName | null> {
    let token: string | undefined;
    do {
      const page = await client.send(new GetDomainNamesCommand({ NextToken: token, MaxResults: "100" }));
      const hit = page.Items?.find((d) => d.MutualTlsAuthentication?.TruststoreUri === uri);
      if (hit) return hit;
      token = page.NextToken;
    } while (token);
    return null;
  }
  return {
    async update({ scope, versionId }) {
      const uri = truststoreUri(bucket, scope);
      const domain = await findDomain(uri);
      if (!domain?.DomainName) return { domainName: null, reason: `no API Gateway custom domain uses ${uri}` };
      const out = await client.send(
        new UpdateDomainNameCommand({
          DomainName: domain.DomainName,
          MutualTlsAuthentication: { TruststoreUri: uri, TruststoreVersion: versionId },
        }),
      );
      return {
        domainName: domain.DomainName,
        truststoreVersion: out.MutualTlsAuthentication?.TruststoreVersion ?? versionId,
        warnings: out.MutualTlsAuthentication?.TruststoreWarnings ?? [],
      };
    },
  };
}
