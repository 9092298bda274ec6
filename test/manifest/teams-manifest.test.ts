import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { ADVERTISED_COMMANDS } from '../../manifest/commands.js';
import { PLACEHOLDER_BOT_ID, teamsAppPackage, teamsManifest } from '../../manifest/teams/package.js';

/**
 * The Teams app manifest against Microsoft's own JSON schema for its manifestVersion (v1.30), as shipped in
 * npm @microsoft/app-manifest (build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json), validated offline
 * with the same validator settings that package uses (draft-04, allErrors, uri format).
 */
const schemaPath = createRequire(import.meta.url).resolve(
  '@microsoft/app-manifest/build/json-schemas/teams/v1.30/MicrosoftTeams.schema.json',
);
const ajv = new ajvDraft04.default({ allErrors: true, strictTypes: false });
ajvFormats.default(ajv, ['uri', 'email', 'regex']);
const validateManifest = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

const BOT_ID = '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19';
const manifest = teamsManifest({ botId: BOT_ID, version: '1.4.2' });

interface CommandList {
  scopes: string[];
  commands: { title: string }[];
}
const bot = (manifest.bots as { botId: string; scopes: string[]; commandLists: CommandList[] }[])[0];

/** Entries of a ZIP file, read from its central directory (enough for the package; no ZIP64). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n += 1) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const [method, crc, compressed] = [
      zip.readUInt16LE(at + 10),
      zip.readUInt32LE(at + 16),
      zip.readUInt32LE(at + 20),
    ];
    const [nameLength, extraLength, commentLength] = [
      zip.readUInt16LE(at + 28),
      zip.readUInt16LE(at + 30),
      zip.readUInt16LE(at + 32),
    ];
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    expect(crc32(data)).toBe(crc);
    entries.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Width, height, colour type and the RGBA pixels of an 8-bit, unfiltered or filter-0 PNG like ours. */
function decodePng(png: Buffer): { width: number; height: number; colourType: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.concat(
    Array.from({ length: height }, (_, y) => {
      expect(rows[y * (width * 4 + 1)]).toBe(0);
      return rows.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
    }),
  );
  return { width, height, colourType: png[25] ?? -1, pixels };
}

describe('Teams app manifest and package', () => {
  it('validates against the official Teams manifest schema v1.30', () => {
    expect(manifest.manifestVersion).toBe('1.30');
    const valid = validateManifest(manifest);
    expect(validateManifest.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has a validator that does refuse a manifest breaking the schema (a 31-character short name)', () => {
    const broken = { ...manifest, name: { short: 'x'.repeat(31) } };
    expect(validateManifest(broken)).toBe(false);
  });

  it('fills the bot id and the version, and offers the bot in personal, team and group chat scopes', () => {
    expect(manifest.version).toBe('1.4.2');
    expect(bot?.botId).toBe(BOT_ID);
    expect([...(bot?.scopes ?? [])].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(teamsManifest({ botId: PLACEHOLDER_BOT_ID, version: '0.1.0' }).id).toBe(manifest.id);
  });

  it('lists at most 12 advertised commands per scope, and never password-reset in a channel or group chat', () => {
    const advertised = new Set(ADVERTISED_COMMANDS.map((command) => command.title));
    for (const list of bot?.commandLists ?? []) {
      expect(list.commands.length).toBeLessThanOrEqual(12);
      for (const command of list.commands) expect(advertised).toContain(command.title);
    }
    const scopes = (bot?.commandLists ?? []).flatMap((list) => list.scopes).sort();
    expect(scopes).toEqual(['groupChat', 'personal', 'team']);
    const shared = bot?.commandLists.find((list) => list.scopes.includes('team'));
    expect(shared?.commands.map((command) => command.title)).not.toContain('password-reset');
  });

  it('zips manifest.json, color.png and outline.png at the root of the package', () => {
    const entries = unzip(teamsAppPackage({ botId: BOT_ID, version: '1.4.2' }));
    expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(entries.get('manifest.json')?.toString('utf8') ?? '{}')).toEqual(manifest);
  });

  it('has a 192×192 colour icon and a 32×32 outline icon that is white on transparent', () => {
    const entries = unzip(teamsAppPackage({ botId: BOT_ID, version: '1.4.2' }));
    const color = decodePng(entries.get('color.png') ?? Buffer.alloc(0));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = decodePng(entries.get('outline.png') ?? Buffer.alloc(0));
    expect([outline.width, outline.height, outline.colourType]).toEqual([32, 32, 6]);
    let drawn = 0;
    for (let at = 0; at < outline.pixels.length; at += 4) {
      const alpha = outline.pixels[at + 3] ?? 0;
      if (alpha > 0) {
        drawn += 1;
        expect([...outline.pixels.subarray(at, at + 3)]).toEqual([255, 255, 255]);
      }
    }
    expect(drawn).toBeGreaterThan(50);
    expect(drawn).toBeLessThan(32 * 32 - 100);
  });
});
