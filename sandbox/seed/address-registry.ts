/**
 * Hands out address local parts that are unique case-insensitively, as Entra requires for userPrincipalName,
 * mail and proxyAddresses. Numbers are appended on collision ("anna.berg", "anna.berg2", ...), and a
 * per-base counter keeps that O(1) even when 100,000 users share a few thousand name pairs.
 */
export class AddressRegistry {
  private readonly taken = new Set<string>();
  private readonly nextSuffix = new Map<string, number>();

  /** Claims `base` (case kept) or the first free `base<n>`, n ≥ 2, within `maxLength` characters. */
  claim(base: string, maxLength: number): string {
    const trimmed = trimEnd(base.slice(0, maxLength));
    const key = trimmed.toLowerCase();
    if (this.tryClaim(trimmed)) return trimmed;
    let suffix = this.nextSuffix.get(key) ?? 2;
    for (;;) {
      const digits = String(suffix);
      const candidate = trimEnd(trimmed.slice(0, maxLength - digits.length)) + digits;
      suffix += 1;
      if (this.tryClaim(candidate)) {
        this.nextSuffix.set(key, suffix);
        return candidate;
      }
    }
  }

  /** Claims exactly `value` if nobody holds it (in any case); returns whether it was free. */
  tryClaim(value: string): boolean {
    const key = value.toLowerCase();
    if (this.taken.has(key)) return false;
    this.taken.add(key);
    return true;
  }
}

/** A local part must not end with '.' (Graph refuses '.' right before '@'). */
function trimEnd(localPart: string): string {
  return localPart.replace(/\.+$/, '');
}
