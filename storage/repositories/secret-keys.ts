/**
 * Guards stored parameters (audit events, operations) against secrets. A caller that passes a password or a
 * token by mistake gets an immediate, clear error instead of a secret at rest in the database.
 */
const SECRET_LOOKING_KEY = /pass(word)?|secret|token|authorization|credential/i;

function isWalkable(value: unknown): value is Record<string, unknown> | unknown[] | Map<unknown, unknown> {
  if (Array.isArray(value) || value instanceof Map) return true;
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function entriesOf(value: Record<string, unknown> | unknown[] | Map<unknown, unknown>): [string, unknown][] {
  if (value instanceof Map) return [...value.entries()].map(([key, item]) => [String(key), item]);
  if (Array.isArray(value)) return value.map((item, index) => [String(index), item]);
  return Object.entries(value);
}

/** The path of the first key that looks like it holds a secret, at any depth; null when there is none. */
export function findSecretLookingKey(value: unknown): string | null {
  const seen = new WeakSet<object>();
  const visit = (node: unknown, path: string): string | null => {
    if (!isWalkable(node) || seen.has(node)) return null;
    seen.add(node);
    const isArray = Array.isArray(node);
    for (const [key, item] of entriesOf(node)) {
      const itemPath = path === '' ? key : isArray ? `${path}[${key}]` : `${path}.${key}`;
      if (!isArray && SECRET_LOOKING_KEY.test(key)) return itemPath;
      const found = visit(item, itemPath);
      if (found !== null) return found;
    }
    return null;
  };
  return visit(value, '');
}

/** Throws (naming the key, never the value) when `parameters` holds a secret-looking key. */
export function assertNoSecretKeys(parameters: unknown, what: string): void {
  const path = findSecretLookingKey(parameters);
  if (path !== null) {
    throw new Error(
      `Refusing to store ${what}: parameter "${path}" looks like a secret (password, secret, token, authorization or credential). Pass secrets to the caller only, never into stored parameters.`,
    );
  }
}
