import Link from "next/link";

export function NotFoundContent() {
  return (
    <>
      <h1>Page not found</h1>
      <p>There is nothing here, or you do not have access to it.</p>
      <p>
        <Link href="/">Go to your home page</Link>
      </p>
    </>
  );
}

export function ForbiddenContent() {
  return (
    <>
      <h1>No access</h1>
      <p>Your account does not have the role this page needs. If you think it should, ask an administrator.</p>
      <p>
        <Link href="/">Go to your home page</Link>
      </p>
    </>
  );
}
