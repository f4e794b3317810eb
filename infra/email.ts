/**
 * SES identity for the portal's notifications (decisions, scheduled windows, revocations).
 *
 * A domain sender gets DKIM records from SST; DMARC `p=quarantine` with strict alignment
 * asks receivers to distrust mail that claims the domain without passing DKIM/SPF, so
 * partners are harder to phish with look-alike "certificate approved" e-mails.
 * New SES accounts are in the sandbox (verified recipients only) until production access
 * is requested: docs/deploy.md.
 */
export function createEmail(options: { sender: string }) {
  const isDomain = !options.sender.includes("@");
  return new sst.aws.Email("Email", {
    sender: options.sender,
    ...(isDomain ? { dmarc: "v=DMARC1; p=quarantine; adkim=s; aspf=s;" } : {}),
  });
}
