import type { SandboxDomain } from '../model.js';
import { GraphFailure, badRequest } from './failure.js';
import { MESSAGES } from './messages.js';

/**
 * UPN rules (graph-behaviour §2, concept-sspr-policy): local part from A-Z a-z 0-9 ' . - _ ! # ^ ~, no '.'
 * right before '@', ≤64 characters before '@', ≤48 after, ≤113 in total; the domain must be verified.
 */
export function checkUserPrincipalName(upn: string, domains: readonly SandboxDomain[]): SandboxDomain {
  const at = upn.indexOf('@');
  const local = upn.slice(0, at);
  const domain = upn.slice(at + 1);
  const wellFormed =
    at > 0 &&
    upn.indexOf('@', at + 1) < 0 &&
    /^[A-Za-z0-9'.\-_!#^~]+$/.test(local) &&
    !local.endsWith('.') &&
    local.length <= 64 &&
    domain.length > 0 &&
    domain.length <= 48 &&
    upn.length <= 113 &&
    /^[A-Za-z0-9.-]+$/.test(domain);
  if (!wellFormed) throw badRequest(MESSAGES.upnInvalid);
  const verified = domains.find((candidate) => candidate.id === domain.toLowerCase() && candidate.isVerified);
  if (!verified) throw badRequest(MESSAGES.upnDomainNotVerified);
  return verified;
}

/**
 * Exchange alias rules for mailNickname: 1–64 characters from letters, digits and ! # $ % & ' * + - / = ? ^ _ `
 * { | } ~ and '.', with no leading, trailing or doubled dot. [community: Exchange alias documentation]
 */
export function isValidMailNickname(nickname: string): boolean {
  return (
    nickname.length >= 1 &&
    nickname.length <= 64 &&
    /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+$/.test(nickname) &&
    !nickname.startsWith('.') &&
    !nickname.endsWith('.') &&
    !nickname.includes('..')
  );
}

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(value);
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/** Codes ICU names that are not ISO 3166-1 country codes (groupings, 'unknown', the 'UK' alias). */
const NOT_COUNTRIES = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'UK']);

/** usageLocation: an ISO 3166-1 alpha-2 country code (ICU's region names stand in for the list). */
export function isCountryCode(value: string): boolean {
  if (!/^[A-Z]{2}$/.test(value) || NOT_COUNTRIES.has(value)) return false;
  return regionNames.of(value) !== value;
}

const PASSWORD_POLICY_VALUES = new Set(['None', 'DisablePasswordExpiration', 'DisableStrongPassword']);

/** passwordPolicies: 'None' or DisablePasswordExpiration / DisableStrongPassword, comma-separated. */
export function isValidPasswordPolicies(value: string): boolean {
  const parts = value.split(',').map((part) => part.trim());
  if (parts.some((part) => !PASSWORD_POLICY_VALUES.has(part))) return false;
  return new Set(parts).size === parts.length && (parts.length === 1 || !parts.includes('None'));
}

/** preferredLanguage: an ISO 639-1 language with optional region, e.g. 'en-US'. */
export function isLanguageTag(value: string): boolean {
  return /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(value);
}

export function conflictFailure(property: 'userPrincipalName' | 'proxyAddresses'): GraphFailure {
  if (property === 'proxyAddresses') return badRequest(MESSAGES.proxyConflict);
  return new GraphFailure(400, 'Request_BadRequest', MESSAGES.upnConflict, [
    { code: 'ObjectConflict', message: MESSAGES.upnConflict, target: 'userPrincipalName' },
  ]);
}
