import type { Collection, Db } from 'mongodb';
import { z } from 'zod';
import { cardModelSchema, type CardModel } from '../../../cards/model.js';
import type { ChatViews } from '../../../commands/chat/ports.js';
import { COLLECTIONS } from '../../collections.js';
import { parseStored, StorageGuard } from '../../errors.js';
import { parseInput, systemClock, type RepositoryOptions } from '../shared.js';

/**
 * Stored card content (plans, results, long lists), by opaque id. Never holds a password: no card does.
 * The card is kept as JSON text because its tables are arrays of arrays, which FerretDB 1.x cannot store.
 */

const viewSchema = z.object({ _id: z.string(), card: z.string(), createdAt: z.date() });
type ViewDocument = z.infer<typeof viewSchema>;

export class MongoChatViews implements ChatViews {
  private readonly collection: Collection<ViewDocument>;
  private readonly guard: StorageGuard;
  private readonly clock;

  constructor(db: Db, options: RepositoryOptions = {}) {
    this.collection = db.collection<ViewDocument>(COLLECTIONS.chatViews);
    this.guard = new StorageGuard(db);
    this.clock = options.clock ?? systemClock;
  }

  async put(id: string, card: CardModel): Promise<void> {
    const parsed = parseInput(cardModelSchema, card, `The view ${id}`);
    const document: ViewDocument = { _id: id, card: JSON.stringify(parsed), createdAt: this.clock.now() };
    await this.guard.run(() => this.collection.replaceOne({ _id: id }, document, { upsert: true }));
  }

  async get(id: string): Promise<CardModel | null> {
    const document = await this.guard.run(() => this.collection.findOne({ _id: id }));
    if (document === null) return null;
    const stored = parseStored(viewSchema, COLLECTIONS.chatViews, id, document);
    let json: unknown;
    try {
      json = JSON.parse(stored.card);
    } catch {
      json = null;
    }
    return parseStored(cardModelSchema, COLLECTIONS.chatViews, id, json);
  }
}
