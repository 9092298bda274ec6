import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * The TCP addresses a process listens on, read from /proc (Linux): its socket inodes from /proc/PID/fd, matched
 * against the LISTEN rows (state 0A) of /proc/net/tcp and tcp6. IPv4 is shown as a.b.c.d:port; IPv6 rows as
 * `[ipv6 hex]:port`, which never equals a loopback IPv4 address.
 */
export function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      const [local = '', state = '', inode = ''] = [fields[1], fields[3], fields[9]];
      if (state === '0A' && inodes.has(inode)) addresses.push(decodeAddress(local));
    }
  }
  return addresses;
}

function decodeAddress(hex: string): string {
  const [address = '', port = '0'] = hex.split(':');
  const portNumber = parseInt(port, 16);
  if (address.length !== 8) return `[${address}]:${portNumber}`;
  // IPv4 in /proc is the 32-bit value in host (little-endian) byte order.
  const octets = [6, 4, 2, 0].map((offset) => parseInt(address.slice(offset, offset + 2), 16));
  return `${octets.join('.')}:${portNumber}`;
}
