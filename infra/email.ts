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

/**
 * What the portal and the jobs are linked to instead of the Email component itself (issue 14):
 * the sender identity as a property, and permission to send through that identity (and its
 * configuration set) only — SST's own Email link grants `ses:*`, which would let a
 * compromised function edit the identity or send as anyone the account has verified.
 */
export function createEmailLink(email: { sender: unknown; configSet: unknown; nodes: { identity: { arn: unknown }; configurationSet: { arn: unknown } } }) {
  return new sst.Linkable("EmailSend", {
    properties: { sender: email.sender, configSet: email.configSet },
    include: [
      sst.aws.permission({
        actions: ["ses:SendEmail"],
        resources: [email.nodes.identity.arn, email.nodes.configurationSet.arn],
      }),
    ],
  });
}

