import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value (client secret, app password, signing secret, bot token). Every way a value ends up in a log
 * line or an error message — template strings, JSON.stringify, util.inspect, pino — prints "[redacted]";
 * only `reveal()` gives the value, so each use of a secret is visible in the code.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
