import { randomInt } from 'node:crypto';
import { ENTRA_PASSWORD_RULES, type CharacterClass, type PasswordPolicy } from './settings.js';

/**
 * Passwords the directory hands out (initial and reset). Generated with crypto.randomInt only; the value is
 * returned to the caller and never logged, stored or put into an error message.
 */

const LETTERS_LOWER = 'abcdefghijkmnopqrstuvwxyz'; // no 'l': reads like '1' and 'I'
const LETTERS_UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ'; // no 'I', 'O'
const DIGITS = '23456789'; // no '0', '1'

function alphabetOf(characterClass: CharacterClass, policy: PasswordPolicy): string {
  switch (characterClass) {
    case 'lower':
      return LETTERS_LOWER;
    case 'upper':
      return LETTERS_UPPER;
    case 'digit':
      return DIGITS;
    case 'symbol':
      return policy.symbols;
  }
}

function pick(alphabet: string): string {
  return alphabet.charAt(randomInt(alphabet.length));
}

/** One character of each required class, the rest from their union, shuffled (Fisher–Yates). */
export function generatePassword(policy: PasswordPolicy): string {
  const alphabets = policy.requiredClasses.map((characterClass) => alphabetOf(characterClass, policy));
  const union = alphabets.join('');
  const characters = alphabets.map(pick);
  while (characters.length < policy.length) characters.push(pick(union));
  for (let index = characters.length - 1; index > 0; index -= 1) {
    const other = randomInt(index + 1);
    const current = characters[index] ?? '';
    characters[index] = characters[other] ?? '';
    characters[other] = current;
  }
  return characters.join('');
}

/** Character by character (passwords are ASCII; no grapheme handling needed). */
function everyCharacter(text: string, test: (char: string) => boolean): boolean {
  for (let index = 0; index < text.length; index += 1) if (!test(text.charAt(index))) return false;
  return true;
}

function classesIn(password: string): Set<CharacterClass> {
  const found = new Set<CharacterClass>();
  for (let index = 0; index < password.length; index += 1) {
    const char = password.charAt(index);
    if (/[a-z]/.test(char)) found.add('lower');
    else if (/[A-Z]/.test(char)) found.add('upper');
    else if (/[0-9]/.test(char)) found.add('digit');
    else found.add('symbol');
  }
  return found;
}

/** The directory's policy: its length and every required class, from the allowed characters. */
export function satisfiesDirectoryPolicy(password: string, policy: PasswordPolicy): boolean {
  if (password.length < policy.length) return false;
  const classes = classesIn(password);
  const allowed = everyCharacter(
    password,
    (char) => /[A-Za-z0-9]/.test(char) || policy.symbols.includes(char),
  );
  return allowed && policy.requiredClasses.every((characterClass) => classes.has(characterClass));
}

/** Entra's cloud rules (length, 3 of 4 classes, allowed symbols); the banned list is Entra's own business. */
export function satisfiesEntraRules(password: string): boolean {
  if (password.length < ENTRA_PASSWORD_RULES.minLength || password.length > ENTRA_PASSWORD_RULES.maxLength)
    return false;
  const allowed = everyCharacter(
    password,
    (char) => /[A-Za-z0-9]/.test(char) || ENTRA_PASSWORD_RULES.symbols.includes(char),
  );
  return allowed && classesIn(password).size >= ENTRA_PASSWORD_RULES.minClasses;
}

/** When a password set now expires under the policy; null when passwords never expire. */
export function passwordExpiry(setAt: Date, policy: PasswordPolicy): Date | null {
  if (policy.expiryDays === 0) return null;
  return new Date(setAt.getTime() + policy.expiryDays * 24 * 60 * 60 * 1000);
}
