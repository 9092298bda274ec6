import type { AssignedLicense, SandboxSku } from '../model.js';

/** Subscribed SKUs and their consumed seats; consumed counts always equal the active users' assignments. */
export class LicenseLedger {
  private readonly consumed = new Map<string, number>();
  private readonly skusById: Map<string, SandboxSku>;

  constructor(readonly skus: readonly SandboxSku[]) {
    this.skusById = new Map(skus.map((sku) => [sku.skuId.toLowerCase(), sku]));
    for (const sku of skus) this.consumed.set(sku.skuId.toLowerCase(), 0);
  }

  find(skuId: string): SandboxSku | undefined {
    return this.skusById.get(skuId.toLowerCase());
  }

  consumedUnits(skuId: string): number {
    return this.consumed.get(skuId.toLowerCase()) ?? 0;
  }

  freeUnits(skuId: string): number {
    const sku = this.find(skuId);
    return sku ? sku.enabledUnits - this.consumedUnits(skuId) : 0;
  }

  /** Counts a user's assignments in (+1) or out (-1), e.g. on create, delete and restore. */
  count(licenses: readonly AssignedLicense[], direction: 1 | -1): void {
    for (const license of licenses) {
      const key = license.skuId.toLowerCase();
      if (this.consumed.has(key)) this.consumed.set(key, (this.consumed.get(key) ?? 0) + direction);
    }
  }
}
