import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { loadConfig } from '../../bot/config.js';
import { ADVERTISED_COMMANDS, PERSONAL_MENU, TEAM_AND_GROUP_MENU } from '../commands.js';
import { createZip } from './zip.js';

/**
 * `npm run package:teams`: the Teams app package, dist/teams-app.zip with manifest.json, color.png and
 * outline.png at its root (chat-platforms §2.6). The bot id is MICROSOFT_APP_ID (a placeholder GUID when unset,
 * for a package that can be inspected but not uploaded); the version is package.json's; the command menus
 * come from manifest/commands.ts.
 */
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';

const templateSchema = z
  .object({
    version: z.string(),
    bots: z.tuple([z.object({ botId: z.string() }).loose()]),
  })
  .loose();

/** The repository root: the nearest folder above this module with a package.json (works from dist/ too). */
export function repositoryRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder)
      throw new Error('cannot find the repository root (no package.json above manifest/teams)');
    folder = parent;
  }
  return folder;
}

const teamsFolder = () => join(repositoryRoot(), 'manifest', 'teams');

function commandList(titles: readonly string[]) {
  return titles.map((title) => {
    const command = ADVERTISED_COMMANDS.find((candidate) => candidate.title === title);
    if (!command) throw new Error(`menu entry ${title} is not an advertised command`);
    return { title: command.title, description: command.description };
  });
}

export function teamsManifest(options: { botId: string; version: string }): Record<string, unknown> {
  const template = templateSchema.parse(
    JSON.parse(readFileSync(join(teamsFolder(), 'manifest.template.json'), 'utf8')),
  );
  const [bot] = template.bots;
  return {
    ...template,
    version: options.version,
    bots: [
      {
        ...bot,
        botId: options.botId,
        commandLists: [
          { scopes: ['personal'], commands: commandList(PERSONAL_MENU) },
          { scopes: ['team', 'groupChat'], commands: commandList(TEAM_AND_GROUP_MENU) },
        ],
      },
    ],
  };
}

export function teamsAppPackage(options: { botId: string; version: string }): Buffer {
  const manifest = teamsManifest(options);
  return createZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: 'color.png', data: readFileSync(join(teamsFolder(), 'color.png')) },
    { name: 'outline.png', data: readFileSync(join(teamsFolder(), 'outline.png')) },
  ]);
}

function main(): void {
  const config = loadConfig(process.env);
  const root = repositoryRoot();
  const { version } = z
    .object({ version: z.string() })
    .parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  const botId = config.MICROSOFT_APP_ID ?? PLACEHOLDER_BOT_ID;
  const target = join(root, 'dist', 'teams-app.zip');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, teamsAppPackage({ botId, version }));
  console.log(`Wrote ${target} (version ${version}, bot ${botId}).`);
  if (botId === PLACEHOLDER_BOT_ID)
    console.log(
      'MICROSOFT_APP_ID is not set: the bot id is a placeholder; set it before uploading to Teams.',
    );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
