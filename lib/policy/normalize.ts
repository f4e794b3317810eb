/**
 * Name comparison for company-name and refused-issuer rules.
 *
 * Partners write their company name the way their CA or their openssl command did:
 * "MyCompany-ConnectPay", "My Company Ltd", "MYCOMPANY UAB", "Société Générale".
 * A comparison on raw strings refuses honest partners and is trivially bypassed by
 * a dash, so both sides are folded the same way first.
 */

/** Legal-form words that a CA or a partner adds or drops at will. */
const LEGAL_FORMS = new Set([
  "ltd", "limited", "inc", "incorporated", "llc", "llp", "lp", "plc", "corp", "corporation", "co", "company",
  "gmbh", "ag", "kg", "ug", "sa", "sas", "sarl", "sasu", "srl", "spa", "bv", "nv", "ab", "as", "asa", "oy", "oyj",
  "uab", "ou", "sia", "sp", "zoo", "kft", "sro", "doo", "pty", "pte", "se", "eurl",
]);

/**
 * Lower case, accents stripped, typographic apostrophes folded, everything else not alphanumeric → one space.
 *
 * @example
 * foldName("Let’s Encrypt") // "lets encrypt"
 */
export function foldName(value: string): string {
  return value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’‘`´]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/**
 * {@link foldName} without legal-form words, spaces removed.
 *
 * @example
 * compactName("My Company Ltd.") // "mycompany"
 */
export function compactName(value: string): string {
  const words = foldName(value).split(" ").filter(Boolean);
  const kept = words.filter((w) => !LEGAL_FORMS.has(w));
  // A name made only of legal-form words ("AS") keeps them rather than becoming empty.
  return (kept.length ? kept : words).join("");
}

/**
 * Whether `commonName` contains the partner's `companyName`, ignoring case, accents,
 * punctuation, spacing and legal-form suffixes.
 *
 * @example
 * cnContainsCompany("MyCompany-ConnectPay", "My Company Ltd") // true
 */
export function cnContainsCompany(commonName: string, companyName: string): boolean {
  const needle = compactName(companyName);
  if (!needle) return false;
  return foldName(commonName).replace(/ /g, "").includes(needle);
}

/** Organisation names equal after folding and dropping legal forms: "CloudFlare, Inc." = "Cloudflare". */
export function sameOrganization(a: string, b: string): boolean {
  const x = compactName(a);
  return x.length > 0 && x === compactName(b);
}
