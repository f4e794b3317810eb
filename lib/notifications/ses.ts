/**
 * The AWS sender behind the `EmailSender` seam: SESv2 SendEmail with a simple message
 * (subject, text and HTML bodies, attachments such as a window's .ics). The portal and the
 * jobs are linked to the sender identity with permission to send through it only
 * (infra/email.ts `createEmailLink`).
 */
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { EmailSender } from "./email";

export type SesSenderOptions = {
  /** A configured client (tests pass one whose transport is a `requestHandler`). */
  client?: SESv2Client;
  region?: string;
  /** SES configuration set (bounce/complaint events), when the deployment has one. */
  configurationSetName?: string;
};

export function sesSender(options: SesSenderOptions = {}): EmailSender {
  const client = options.client ?? new SESv2Client({ region: options.region });
  return {
    kind: "ses",
    async send(email) {
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: email.from,
          Destination: { ToAddresses: [email.to] },
          ConfigurationSetName: options.configurationSetName,
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: "UTF-8" },
              Body: { Text: { Data: email.text, Charset: "UTF-8" }, ...(email.html ? { Html: { Data: email.html, Charset: "UTF-8" } } : {}) },
              ...(email.attachments?.length
                ? {
                    Attachments: email.attachments.map((a) => ({
                      FileName: a.filename,
                      ContentType: a.contentType,
                      ContentDisposition: "ATTACHMENT" as const,
                      RawContent: Buffer.from(a.contentBase64, "base64"),
                    })),
                  }
                : {}),
            },
          },
        }),
      );
      if (!result.MessageId) throw new Error("SES accepted the message but returned no MessageId");
      return { providerMessageId: result.MessageId };
    },
  };
}
