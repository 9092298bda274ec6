import type { webApi } from '@slack/bolt';

/**
 * People's display names for cards ("approved by Nora Lindqvist"). Events carry only a user id, so the name
 * comes from users.info (users:read, in the manifest), remembered for an hour; when Slack cannot say, the
 * name the payload carried, or the id, stands in. Names are for display only: RBAC keys on ids.
 */
const TTL_MS = 60 * 60_000;
const CAPACITY = 5_000;

export class DisplayNames {
  private readonly cache = new Map<string, { name: string; at: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly now: () => number = Date.now,
  ) {}

  async of(userId: string, fallback?: string): Promise<string> {
    const cached = this.cache.get(userId);
    if (cached !== undefined && this.now() - cached.at < TTL_MS) return cached.name;
    let name: string | undefined;
    try {
      const info = await this.client.users.info({ user: userId });
      const profile = info.user?.profile;
      name = [profile?.real_name, info.user?.real_name, profile?.display_name, info.user?.name].find(
        (candidate) => candidate !== undefined && candidate.trim() !== '',
      );
    } catch {
      // A display name is not worth failing a command for; the fallback is shown instead.
    }
    if (name === undefined) return fallback ?? userId;
    this.cache.delete(userId);
    this.cache.set(userId, { name, at: this.now() });
    if (this.cache.size > CAPACITY) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    return name;
  }
}
