/** What a server action answered, shown next to its form: a refusal as an alert, success as a status. */
export function ActionOutcome({ state }: { state: { error?: string; ok?: string } }) {
  return (
    <>
      {state.error ? (
        <p className="alert alert--error" role="alert">
          {state.error}
        </p>
      ) : null}
      {state.ok ? (
        <p className="alert alert--info" role="status">
          {state.ok}
        </p>
      ) : null}
    </>
  );
}
