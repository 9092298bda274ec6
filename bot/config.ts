import { z } from 'zod';
import { crossChecks, type CheckInput } from './config/checks.js';
import { VARIABLES, type VariableName, type Variables } from './config/variables.js';

/**
 * The one place that reads the environment. `loadConfig(process.env)` is called once by the entry point; the
 * parsed Config is passed to everything else. Each variable is documented in .env.example; the table of
 * variables is bot/config/variables.ts and the checks across variables are bot/config/checks.ts.
 */

export type Config = { readonly [K in VariableName]: z.output<Variables[K]['schema']> };

const schema = z.object(
  Object.fromEntries(Object.entries(VARIABLES).map(([name, spec]) => [name, spec.schema])) as {
    [K in VariableName]: Variables[K]['schema'];
  },
);

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function isVariable(name: string): name is VariableName {
  return Object.hasOwn(VARIABLES, name);
}

/** Never echo the received value: it may be a secret. */
const problem = (name: VariableName, message: string) =>
  `${name}: ${message} (example: ${name}=${VARIABLES[name].example})`;

/** Parses each variable on its own; values that fail are left out, so the cross checks can still run. */
function parseEach(relevant: Record<string, string | undefined>) {
  const values: Record<string, unknown> = {};
  const problems: { name: VariableName; message: string }[] = [];
  for (const [name, spec] of Object.entries(VARIABLES)) {
    if (!isVariable(name)) continue;
    const result = (spec.schema as z.ZodType).safeParse(relevant[name]);
    if (result.success) values[name] = result.data;
    else for (const issue of result.error.issues) problems.push({ name, message: issue.message });
  }
  return { values, problems };
}

function checkInput(values: Record<string, unknown>, given: Set<VariableName>): CheckInput {
  const parsed = values as Partial<Config>;
  return {
    given,
    host: parsed.HOST,
    approvalSecondAdmin: parsed.APPROVAL_SECOND_ADMIN,
    approvalSelfConfirm: parsed.APPROVAL_SELF_CONFIRM,
    approvalsChannelPlatform: parsed.APPROVALS_CHANNEL?.platform,
    firstAdminPlatforms: parsed.CHAT_FIRST_ADMINS?.map((admin) => admin.platform),
  };
}

/** Parses the environment; throws ConfigError listing every problem (name, what is wrong, an example). */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty value (`PORT=` in a .env file) means unset, so it gets the default rather than coercing to 0.
  const relevant = Object.fromEntries(
    Object.keys(VARIABLES).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const { values, problems } = parseEach(relevant);
  const malformed = new Set(problems.map((entry) => entry.name));
  // Only well-formed values count as given: a malformed one already has its own problem.
  const given = new Set(
    Object.keys(relevant).filter(
      (name): name is VariableName =>
        isVariable(name) && relevant[name] !== undefined && !malformed.has(name),
    ),
  );
  const cross = crossChecks(checkInput(values, given)).filter((entry) => !malformed.has(entry.name));
  const all = [...problems, ...cross];
  if (all.length > 0) throw new ConfigError(all.map((entry) => problem(entry.name, entry.message)));
  // Parsed once more as a whole so the result is typed by the schema itself (cheap: a few dozen strings).
  return schema.parse(relevant) as Config;
}
