/**
 * The VPC the database lives in, and the portal and jobs reach it from.
 *
 * The Lambdas also call KMS, S3, SES and the OIDC issuer, which are outside the VPC, so the
 * private subnets need a NAT. `nat: "ec2"` (SST's NAT instances, one t4g.nano per AZ) costs a
 * tenth of managed NAT gateways while idle; see docs/deploy.md for the figures.
 */
export function createNetwork() {
  return new sst.aws.Vpc("Vpc", { az: 2, nat: "ec2" });
}
