/**
 * Addresses of deleted users that may not be reused yet.
 *
 * Entra itself lets a new user take a soft-deleted user's UPN (graph-behaviour §9). The hold models the
 * Exchange Online side instead: the deleted user's mailbox keeps its SMTP addresses for a while, and the
 * product's seed material says Microsoft 365 "will often require up to 24 hours" before an address can be
 * reused. Requests that claim a held address get the proxyAddresses conflict error until the hold ends
 * (options.addressHoldMs on the sandbox clock).
 */
export class AddressHolds {
  private readonly holds = new Map<string, { until: number; userId: string }>();

  hold(addresses: Iterable<string>, userId: string, until: number): void {
    for (const address of addresses) this.holds.set(address.toLowerCase(), { until, userId });
  }

  /** True while `address` is held for a user other than `exceptUserId`. Expired holds are dropped lazily. */
  isHeld(address: string, now: number, exceptUserId?: string): boolean {
    const key = address.toLowerCase();
    const entry = this.holds.get(key);
    if (entry === undefined) return false;
    if (entry.until <= now) {
      this.holds.delete(key);
      return false;
    }
    return entry.userId !== exceptUserId;
  }

  /** A restored user takes its own addresses back. */
  release(userId: string): void {
    for (const [address, entry] of this.holds) if (entry.userId === userId) this.holds.delete(address);
  }
}
