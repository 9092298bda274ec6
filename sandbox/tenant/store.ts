import type { SandboxClock } from '../clock.js';
import type { SandboxDomain, SandboxSku, SandboxUser } from '../model.js';
import type { IndexKeys } from '../odata/filter-index.js';
import { AddressHolds } from './address-holds.js';
import { claimedAddresses } from './addresses.js';
import { ChangeLog } from './change-log.js';
import { LicenseLedger } from './licenses.js';
import { SortedIds } from './sorted-ids.js';

/** Soft-deleted users are purged for good after 30 days (graph-behaviour §9). */
export const DELETED_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export type ConflictProperty = 'userPrincipalName' | 'proxyAddresses';

export type AddressSet = Pick<SandboxUser, 'userPrincipalName' | 'mail' | 'proxyAddresses'>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The sandbox directory. Active users are indexed by id, lower-case UPN and lower-case address, and kept in id
 * order for paging, so no hot path scans all users. The store enforces nothing on its own beyond index
 * consistency: validation and conflict decisions live in tenant/user-writer.ts.
 */
export class TenantStore {
  readonly changes = new ChangeLog();
  readonly holds = new AddressHolds();
  readonly order = new SortedIds();
  readonly licenses: LicenseLedger;
  private readonly active = new Map<string, SandboxUser>();
  private readonly deleted = new Map<string, SandboxUser>();
  private readonly idByUpn = new Map<string, string>();
  private readonly idByAddress = new Map<string, string>();

  constructor(
    private readonly clock: SandboxClock,
    readonly domains: readonly SandboxDomain[],
    skus: readonly SandboxSku[],
    users: Iterable<SandboxUser>,
  ) {
    this.licenses = new LicenseLedger(skus);
    for (const user of users) {
      if (this.conflict(user) !== null)
        throw new Error(`seed user ${user.userPrincipalName} collides with another`);
      this.index(user);
      this.licenses.count(user.assignedLicenses, 1);
    }
    this.order.load(this.active.keys());
  }

  get userCount(): number {
    return this.active.size;
  }

  /** An active user by id or UPN (case-insensitive), as Graph resolves `/users/{id or userPrincipalName}`. */
  findUser(key: string): SandboxUser | undefined {
    if (GUID.test(key)) return this.active.get(key.toLowerCase());
    const id = this.idByUpn.get(key.toLowerCase());
    return id === undefined ? undefined : this.active.get(id);
  }

  activeUser(id: string): SandboxUser | undefined {
    return this.active.get(id);
  }

  activeUsers(): IterableIterator<SandboxUser> {
    return this.active.values();
  }

  /** Active users with id > afterId, in id order. */
  *activeUsersAfter(afterId: string | undefined): Generator<SandboxUser> {
    for (const id of this.order.after(afterId)) {
      const user = this.active.get(id);
      if (user) yield user;
    }
  }

  /** Active owners of the given ids, UPNs and addresses (lower-case keys), in id order. */
  ownersOf(keys: IndexKeys): SandboxUser[] {
    const ids = new Set<string>(keys.ids);
    for (const upn of keys.userPrincipalNames) {
      const id = this.idByUpn.get(upn);
      if (id !== undefined) ids.add(id);
    }
    for (const address of keys.addresses) {
      const id = this.idByAddress.get(address);
      if (id !== undefined) ids.add(id);
    }
    return [...ids]
      .map((id) => this.active.get(id))
      .filter((user): user is SandboxUser => user !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  deletedUser(id: string): SandboxUser | undefined {
    this.expireDeleted();
    return this.deleted.get(id.toLowerCase());
  }

  deletedUsers(): SandboxUser[] {
    this.expireDeleted();
    return [...this.deleted.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  userState(id: string): 'active' | 'deleted' | 'gone' {
    return this.active.has(id) ? 'active' : this.deleted.has(id) ? 'deleted' : 'gone';
  }

  /** Which uniqueness rule `candidate` would break among active users and held addresses (null: none). */
  conflict(candidate: AddressSet, exceptId?: string): ConflictProperty | null {
    const upnOwner = this.idByUpn.get(candidate.userPrincipalName.toLowerCase());
    if (upnOwner !== undefined && upnOwner !== exceptId) return 'userPrincipalName';
    const now = this.clock.now();
    for (const address of claimedAddresses(candidate)) {
      const owner = this.idByAddress.get(address);
      if (owner !== undefined && owner !== exceptId) return 'proxyAddresses';
      if (this.holds.isHeld(address, now, exceptId)) return 'proxyAddresses';
    }
    return null;
  }

  add(user: SandboxUser): void {
    this.index(user);
    this.order.insert(user.id);
    this.licenses.count(user.assignedLicenses, 1);
    this.changes.record(user.id);
  }

  /** Replaces an active user's record (PATCH, licence changes, session revocation) and re-indexes it. */
  replace(updated: SandboxUser): void {
    const previous = this.active.get(updated.id);
    if (!previous) throw new Error(`no active user ${updated.id}`);
    this.unindex(previous);
    this.licenses.count(previous.assignedLicenses, -1);
    this.index(updated);
    this.licenses.count(updated.assignedLicenses, 1);
    this.changes.record(updated.id);
  }

  /** Moves a user to deletedItems; its licences are freed and its addresses held for `holdMs`. */
  softDelete(id: string, holdMs: number): SandboxUser {
    const user = this.active.get(id);
    if (!user) throw new Error(`no active user ${id}`);
    this.unindex(user);
    this.order.remove(id);
    this.licenses.count(user.assignedLicenses, -1);
    const now = this.clock.now();
    const deleted = { ...user, deletedDateTime: new Date(now).toISOString() };
    this.deleted.set(id, deleted);
    if (holdMs > 0) this.holds.hold(claimedAddresses(user), id, now + holdMs);
    this.changes.record(id);
    return deleted;
  }

  /** Brings a deleted user back as `restored` (the caller resolved conflicts and licence seats). */
  restore(restored: SandboxUser): void {
    if (!this.deleted.delete(restored.id)) throw new Error(`no deleted user ${restored.id}`);
    this.holds.release(restored.id);
    this.add({ ...restored, deletedDateTime: null });
  }

  purge(id: string): void {
    if (this.deleted.delete(id)) this.changes.record(id);
  }

  private expireDeleted(): void {
    const cutoff = this.clock.now() - DELETED_RETENTION_MS;
    for (const [id, user] of this.deleted) {
      if (user.deletedDateTime !== null && Date.parse(user.deletedDateTime) <= cutoff) this.purge(id);
    }
  }

  private index(user: SandboxUser): void {
    this.active.set(user.id, user);
    this.idByUpn.set(user.userPrincipalName.toLowerCase(), user.id);
    for (const address of claimedAddresses(user)) this.idByAddress.set(address, user.id);
  }

  private unindex(user: SandboxUser): void {
    this.active.delete(user.id);
    this.idByUpn.delete(user.userPrincipalName.toLowerCase());
    for (const address of claimedAddresses(user)) {
      if (this.idByAddress.get(address) === user.id) this.idByAddress.delete(address);
    }
  }
}
