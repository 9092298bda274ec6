import type { NewDirectoryUser } from '../../commands/engine/model.js';

export interface NewHireOptions {
  /** The address's local part before the number: 'bench.user' → bench.user00042@… */
  prefix: string;
  domain: string;
  /** Given name, and the first word of the display name. */
  label: string;
  department: string;
}

/**
 * The n-th of a batch of new hires created in the directory (not imported), with no Microsoft 365 account yet:
 * what the benchmarks and the reliability suite bind by the hundred.
 */
export function numberedNewHire(index: number, options: NewHireOptions): NewDirectoryUser {
  const number = String(index).padStart(5, '0');
  return {
    email: `${options.prefix}${number}@${options.domain}`,
    givenName: options.label,
    surname: `User ${number}`,
    displayName: `${options.label} User ${number}`,
    jobTitle: 'Engineer',
    department: options.department,
    company: null,
    addresses: [],
    phoneNumbers: [],
    employeeId: null,
    usageLocation: 'US',
    password: null,
    source: 'created',
    importedFromM365Id: null,
  };
}
