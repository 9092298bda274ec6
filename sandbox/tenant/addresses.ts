import type { SandboxUser } from '../model.js';

/**
 * 'SMTP:a@b' / 'smtp:a@b' → 'a@b' (lower-case). Other address types (SIP:, X500:) keep their prefix, so they
 * only collide with the same typed address.
 */
export function addressKey(proxyAddress: string): string {
  const lower = proxyAddress.toLowerCase();
  return lower.startsWith('smtp:') ? lower.slice(5) : lower;
}

/**
 * The e-mail addresses a user occupies: its proxy addresses, its mail and its UPN. The UPN counts because
 * Exchange stamps it as the primary SMTP address when the mailbox is created, which is where the
 * "same value for property proxyAddresses" conflicts come from.
 */
export function claimedAddresses(
  user: Pick<SandboxUser, 'userPrincipalName' | 'mail' | 'proxyAddresses'>,
): string[] {
  const keys = new Set<string>();
  keys.add(user.userPrincipalName.toLowerCase());
  if (user.mail !== null) keys.add(user.mail.toLowerCase());
  for (const proxy of user.proxyAddresses) keys.add(addressKey(proxy));
  return [...keys];
}

/** Setting `mail` makes it the primary SMTP address; the previous primary stays as a secondary alias. */
export function proxyAddressesWithPrimary(current: readonly string[], mail: string): string[] {
  const mailKey = mail.toLowerCase();
  const others = current
    .filter((proxy) => addressKey(proxy) !== mailKey)
    .map((proxy) => (proxy.startsWith('SMTP:') ? `smtp:${proxy.slice(5)}` : proxy));
  return [`SMTP:${mail}`, ...others];
}
