import type { Random } from '../random.js';

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** 16 bytes from the seeded PRNG (four 32-bit draws), so ids are reproducible by seed. */
function randomBytes16(random: Random): Uint8Array {
  const bytes = new Uint8Array(16);
  for (let word = 0; word < 4; word += 1) {
    const value = Math.floor(random.next() * 0x1_0000_0000);
    bytes[word * 4] = value >>> 24;
    bytes[word * 4 + 1] = (value >>> 16) & 0xff;
    bytes[word * 4 + 2] = (value >>> 8) & 0xff;
    bytes[word * 4 + 3] = value & 0xff;
  }
  return bytes;
}

/** An RFC 4122 version-4-shaped uuid (lower-case, as Graph returns object ids) drawn from the seeded PRNG. */
export function seededUuid(random: Random): string {
  const bytes = randomBytes16(random);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let text = '';
  for (let index = 0; index < 16; index += 1) {
    if (index === 4 || index === 6 || index === 8 || index === 10) text += '-';
    text += HEX[bytes[index] ?? 0] ?? '00';
  }
  return text;
}

/**
 * An on-premises immutable id as AD Connect writes it: the base64 of the AD objectGUID's 16 bytes
 * (24 characters ending in '==').
 */
export function seededImmutableId(random: Random): string {
  return Buffer.from(randomBytes16(random)).toString('base64');
}
