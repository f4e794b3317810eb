/** A problem with the local runtime that the person starting it must fix; the message says how. */
export class EmbeddedError extends Error {
  override readonly name = "EmbeddedError";
}
