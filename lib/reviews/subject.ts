/**
 * Issue 16: a long distinguished name wrapped into seven lines of a narrow table cell. Pages
 * show its common name prominently and the full name on demand; this splits it.
 */

/** Splits an RFC 4514-style string ("C=FR, O=Globex, CN=cards.globex.test") at unescaped commas. */
function parts(dn: string): string[] {
  const out: string[] = [];
  let current = "";
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i]!;
    if (ch === "\\" && i + 1 < dn.length) {
      current += ch + dn[i + 1];
      i++;
    } else if (ch === "," || ch === "+") {
      out.push(current.trim());
      current = "";
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/**
 * The name to show first: the (last) CN, else the O, else the whole string.
 *
 * @example
 * subjectHeadline("C=FR, O=Globex Financial, CN=cards.globex.test") // → { headline: "cards.globex.test", full: "C=FR, O=Globex Financial, CN=cards.globex.test", shortened: true }
 */
export function subjectHeadline(dn: string): { headline: string; full: string; shortened: boolean } {
  const attributes = parts(dn).map((p) => {
    const at = p.indexOf("=");
    return at < 0 ? { type: "", value: p } : { type: p.slice(0, at).trim().toUpperCase(), value: p.slice(at + 1).trim() };
  });
  const pick = (type: string) => attributes.filter((a) => a.type === type).at(-1)?.value;
  const headline = (pick("CN") ?? pick("O") ?? dn).replace(/\\(.)/g, "$1");
  return { headline, full: dn, shortened: headline !== dn };
}
