/**
 * Default trust anchors: the Mozilla-derived public roots compiled into Node (`tls.rootCertificates`).
 * Kept apart from validatePath, which always takes its anchors explicitly, so the engine stays
 * usable where node:tls is not available and a program can replace or extend the set.
 */
import { rootCertificates } from "node:tls";

/**
 * The public roots Node ships, as PEM strings.
 *
 * @example
 * await validatePath({ leaf, intermediates, trustAnchors: [...publicTrustAnchors(), ...programRoots], at });
 */
export function publicTrustAnchors(): readonly string[] {
  return rootCertificates;
}
