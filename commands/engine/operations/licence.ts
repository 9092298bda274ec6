import { LicenceUnavailableError } from '../../errors.js';
import type { M365Directory, M365User, RequestTrace, SubscribedSku } from '../ports.js';
import { change } from '../results.js';
import type { UserTask } from '../task.js';

/**
 * Licences for one bind run. The subscription is read once per run and seats are counted locally as users
 * are given one, so a bulk bind neither re-reads subscribedSkus per user nor oversubscribes: the user past
 * the last free seat fails with "no free seats" before any request is sent.
 */
export class LicencePool {
  private lookup: Promise<SubscribedSku | null> | undefined;
  private reserved = 0;

  constructor(
    /** A skuId (GUID) or a skuPartNumber such as 'SPE_E3', as the admin typed it. */
    readonly requested: string,
    private readonly reader: M365Directory,
  ) {}

  private find(trace: RequestTrace): Promise<SubscribedSku | null> {
    this.lookup ??= this.reader.listSubscribedSkus(trace).then(
      (skus) => {
        const wanted = this.requested.toLowerCase();
        return (
          skus.find(
            (sku) => sku.skuId.toLowerCase() === wanted || sku.skuPartNumber.toLowerCase() === wanted,
          ) ?? null
        );
      },
      (error: unknown) => {
        // A failed read (an outage) is not kept: the next user of the run reads the subscription again.
        this.lookup = undefined;
        throw error;
      },
    );
    return this.lookup;
  }

  async skuId(subject: string, trace: RequestTrace): Promise<string> {
    const sku = await this.find(trace);
    if (sku === null) throw new LicenceUnavailableError(subject, this.requested, 'unknown-sku');
    return sku.skuId;
  }

  /** Takes one seat or throws; give it back with release() if the assignment fails. */
  async reserve(subject: string, trace: RequestTrace): Promise<void> {
    const sku = await this.find(trace);
    if (sku === null) throw new LicenceUnavailableError(subject, this.requested, 'unknown-sku');
    const free = sku.prepaidUnits.enabled - sku.consumedUnits - this.reserved;
    if (free < 1) throw new LicenceUnavailableError(subject, sku.skuPartNumber, 'no-free-seats');
    this.reserved += 1;
  }

  release(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }
}

export const LICENCE_STEP = 'licence';

type LicensedAccount = Pick<M365User, 'id' | 'assignedLicenses'>;

function holds(account: LicensedAccount, skuId: string): boolean {
  return account.assignedLicenses.some((licence) => licence.skuId.toLowerCase() === skuId.toLowerCase());
}

/**
 * Assigns the run's licence unless the account already holds it. A step an interrupted attempt left
 * 'started' is checked against Microsoft 365 (assignedLicenses) first, so a licence is never assigned twice.
 */
export async function assignLicence(
  pool: LicencePool | null,
  task: UserTask,
  account: LicensedAccount,
): Promise<void> {
  if (pool === null) return;
  const skuId = await pool.skuId(task.email, task.trace);
  let current: LicensedAccount = account;
  if (task.steps.previous(LICENCE_STEP) === 'started') {
    current = (await task.m365.getUser(account.id, task.trace)) ?? account;
  }
  if (holds(current, skuId)) {
    if (task.steps.previous(LICENCE_STEP) === 'started') task.steps.markDone(LICENCE_STEP);
    return;
  }
  await pool.reserve(task.email, task.trace);
  task.changes.push(change('assign-licence', 'm365', { to: pool.requested }));
  if (task.dryRun) return;
  try {
    await task.steps.run(LICENCE_STEP, () => task.m365.assignLicence(account.id, skuId, task.trace));
  } catch (error) {
    pool.release();
    throw error;
  }
}
