import { describe, expect, it } from '@jest/globals';
import { CHAT_COMMANDS } from '../../commands/chat/commands/index.js';
import { PERSONAL_MENU, TEAM_AND_GROUP_MENU, TYPED_ONLY } from '../../manifest/commands.js';
import { teamsManifest } from '../../manifest/teams/package.js';

/**
 * The Teams command menus against the command registry (commands/chat/commands/), the one source of command
 * names and summaries: every registry command is placed (on a menu, or typed-only on purpose), and every menu
 * entry says exactly what the registry says.
 */

interface MenuEntry {
  title: string;
  description: string;
}
interface CommandList {
  scopes: string[];
  commands: MenuEntry[];
}

const manifest = teamsManifest({ botId: '5b2e0c1d-7a34-4e8f-9b21-6c0d4e3f2a19', version: '1.0.0' });
const lists = (manifest.bots as { commandLists: CommandList[] }[])[0]?.commandLists ?? [];
const registry = new Map(CHAT_COMMANDS.map((command) => [command.name, command]));

/** What the registry says a menu entry should read: the help summary, then the example unless it is the name. */
function expectedDescription(name: string): string | undefined {
  const command = registry.get(name);
  if (command === undefined) return undefined;
  return command.example === name ? command.summary : `${command.summary} Example: ${command.example}`;
}

describe('the Teams command menus and the command registry', () => {
  it('place every registry command on a menu or, on purpose, typed-only', () => {
    const onMenus = new Set(lists.flatMap((list) => list.commands.map((command) => command.title)));
    const typedOnly = new Set<string>(TYPED_ONLY);
    const unplaced = [...registry.keys()].filter((name) => !onMenus.has(name) && !typedOnly.has(name));
    expect(unplaced).toEqual([]);
    expect([...typedOnly].filter((name) => onMenus.has(name))).toEqual([]);
  });

  it('offer only registry commands', () => {
    const named = [...PERSONAL_MENU, ...TEAM_AND_GROUP_MENU, ...TYPED_ONLY];
    expect(named.filter((name) => !registry.has(name))).toEqual([]);
  });

  it('describe each command with its registry summary and example', () => {
    const entries = lists.flatMap((list) => list.commands);
    expect(entries.length).toBe(PERSONAL_MENU.length + TEAM_AND_GROUP_MENU.length);
    for (const entry of entries) {
      expect({ title: entry.title, description: entry.description }).toEqual({
        title: entry.title,
        description: expectedDescription(entry.title),
      });
    }
  });

  it('show the personal menu in personal chat and the shared one in teams and group chats, in order', () => {
    const titlesFor = (scope: string) =>
      lists.find((list) => list.scopes.includes(scope))?.commands.map((command) => command.title);
    expect(titlesFor('personal')).toEqual([...PERSONAL_MENU]);
    expect(titlesFor('team')).toEqual([...TEAM_AND_GROUP_MENU]);
    expect(titlesFor('groupChat')).toEqual([...TEAM_AND_GROUP_MENU]);
  });

  it('stay within the Teams v1.30 limits: 12 commands a list, 128-character titles, 4,000-character descriptions', () => {
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(12);
      for (const command of list.commands) {
        expect(command.title.length).toBeLessThanOrEqual(128);
        expect(command.description.length).toBeLessThanOrEqual(4000);
      }
    }
  });
});
