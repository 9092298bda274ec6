import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal ZIP writer (PKWARE APPNOTE 6.3: deflated entries, no directories, no ZIP64), enough for the Teams
 * app package. Timestamps are fixed (1980-01-01 00:00) so the same input gives the same bytes.
 */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const DEFLATE = 8;
const VERSION = 20; // 2.0: deflate

function localHeader(name: Buffer, crc: number, compressed: number, size: number): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(0x0800, 6); // bit 11: names are UTF-8
  header.writeUInt16LE(DEFLATE, 8);
  header.writeUInt16LE(0, 10); // time 00:00
  header.writeUInt16LE(DOS_DATE_1980_01_01, 12);
  header.writeUInt32LE(crc, 14);
  header.writeUInt32LE(compressed, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28); // no extra field
  return Buffer.concat([header, name]);
}

function centralHeader(name: Buffer, crc: number, compressed: number, size: number, offset: number): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(0x02014b50, 0);
  header.writeUInt16LE(VERSION, 4); // made by
  header.writeUInt16LE(VERSION, 6); // needed to extract
  header.writeUInt16LE(0x0800, 8);
  header.writeUInt16LE(DEFLATE, 10);
  header.writeUInt16LE(0, 12);
  header.writeUInt16LE(DOS_DATE_1980_01_01, 14);
  header.writeUInt32LE(crc, 16);
  header.writeUInt32LE(compressed, 20);
  header.writeUInt32LE(size, 24);
  header.writeUInt16LE(name.length, 28);
  // extra length, comment length, disk number, internal and external attributes stay 0.
  header.writeUInt32LE(offset, 42);
  return Buffer.concat([header, name]);
}

export function createZip(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const local = localHeader(name, crc, compressed.length, entry.data.length);
    central.push(centralHeader(name, crc, compressed.length, entry.data.length, offset));
    parts.push(local, compressed);
    offset += local.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
