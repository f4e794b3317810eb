import { describeExpiry, expiryTone, type ExpiryState } from "@/lib/expiry/state";
import { Badge } from "./ui";

/** An expiry state as a word plus colour, with days left (004; never colour alone). */
export function ExpiryBadge({ expiry }: { expiry: { state: ExpiryState; daysLeft: number } }) {
  return (
    <span data-expiry-state={expiry.state}>
      <Badge tone={expiryTone(expiry.state)}>{describeExpiry(expiry)}</Badge>
    </span>
  );
}
