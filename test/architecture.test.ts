import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The layering rules of the README's architecture section, checked on the source text. */
const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(folder: string): string[] {
  const dir = join(root, folder);
  const files: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (full.endsWith('.ts')) files.push(full);
    }
  };
  walk(dir);
  return files;
}

/** Module specifiers of every static import, export-from and dynamic import in a file. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    specifiers.push(match[1] ?? match[2] ?? '');
  }
  return specifiers;
}

function offenders(folders: string[], forbidden: RegExp): string[] {
  return folders.flatMap((folder) =>
    sourceFiles(folder).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => forbidden.test(specifier))
        .map((specifier) => `${relative(root, file)} imports ${specifier}`),
    ),
  );
}

const PLATFORM_AND_INFRASTRUCTURE =
  /^(botbuilder|botframework-|@slack\/|mongodb|@microsoft\/microsoft-graph-client|@azure\/msal-node|agenda|@agendajs\/)/;

describe('architecture', () => {
  it('keeps the domain (commands/) and the card model (cards/) free of chat SDKs, the database driver and Graph clients', () => {
    expect(offenders(['commands', 'cards'], PLATFORM_AND_INFRASTRUCTURE)).toEqual([]);
  });

  it('lets only the Graph gateway (graph/) talk to Microsoft Graph in product code', () => {
    const graphSdk = /^(@microsoft\/microsoft-graph-client|@azure\/msal-node)$/;
    expect(offenders(['bot', 'commands', 'cards', 'storage', 'sandbox'], graphSdk)).toEqual([]);
  });

  it('finds imports in the files it scans (the check itself works)', () => {
    expect(importsOf(join(root, 'storage', 'database.ts'))).toContain('mongodb');
  });
});
