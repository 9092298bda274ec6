import type { Random } from '../random.js';
import { AddressRegistry } from './address-registry.js';
import { NAME_CULTURES, type NameCulture } from './names.js';
import { transliterateName } from './transliterate.js';
import { pickWeighted, weightedTable } from './weighted.js';

/** Everything the user builders share while one tenant is generated. */
export interface SeedContext {
  readonly random: Random;
  /** Verified tenant domains, lower-case; the first is the default. */
  readonly domains: readonly string[];
  readonly initialDomain: string;
  /** "Contoso" for contoso.com: used in companyName. */
  readonly brand: string;
  /** Local parts of member addresses, unique across all tenant domains. */
  readonly localParts: AddressRegistry;
  /** Guests' external address local parts, per external domain. */
  readonly externalAddresses: Map<string, AddressRegistry>;
  /** name → transliterated token; names repeat thousands of times in a large tenant. */
  readonly tokenCache: Map<string, string>;
}

export function createSeedContext(
  random: Random,
  domains: readonly string[],
  initialDomain: string,
  brand: string,
): SeedContext {
  return {
    random,
    domains: domains.map((domain) => domain.toLowerCase()),
    initialDomain: initialDomain.toLowerCase(),
    brand,
    localParts: new AddressRegistry(),
    externalAddresses: new Map(),
    tokenCache: new Map(),
  };
}

export interface PersonName {
  readonly givenName: string;
  readonly surname: string;
  /** UPN-safe forms, case kept ("Mueller", "O'Brien"). */
  readonly givenToken: string;
  readonly surnameToken: string;
}

const CULTURE_TABLE = weightedTable(NAME_CULTURES);

export function nameOf(
  context: SeedContext,
  givenName: string,
  surname: string,
  germanUmlauts = false,
): PersonName {
  return {
    givenName,
    surname,
    givenToken: cachedToken(context, givenName, germanUmlauts),
    surnameToken: cachedToken(context, surname, germanUmlauts),
  };
}

export function drawName(context: SeedContext): PersonName {
  const culture: NameCulture = pickWeighted(context.random, CULTURE_TABLE);
  const givenName = context.random.pick(culture.givenNames);
  const surname = context.random.pick(culture.surnames);
  return nameOf(context, givenName, surname, culture.germanUmlauts);
}

function cachedToken(context: SeedContext, name: string, germanUmlauts: boolean): string {
  const key = germanUmlauts ? `de:${name}` : name;
  let token = context.tokenCache.get(key);
  if (token === undefined) {
    token = transliterateName(name, { germanUmlauts });
    context.tokenCache.set(key, token);
  }
  return token;
}

/** n random decimal digits, zero-padded. */
export function digits(random: Random, count: number): string {
  return String(random.int(0, 10 ** count - 1)).padStart(count, '0');
}
