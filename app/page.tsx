import { redirect } from "next/navigation";
import { getSessionUser } from "@/lib/auth/session";
import { homePathFor } from "@/lib/auth/access";

export const dynamic = "force-dynamic";

/** `/` sends each user to their role's home, and visitors to sign-in. */
export default async function Home() {
  const user = await getSessionUser();
  redirect(user ? homePathFor(user) : "/signin");
}
