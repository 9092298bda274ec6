import type { ChatSurface, Platform } from '../types.js';

/** The ChatSurface each adapter registered, by platform. */
export class SurfaceRegistry {
  private readonly surfaces = new Map<Platform, ChatSurface>();

  register(surface: ChatSurface): void {
    this.surfaces.set(surface.platform, surface);
  }

  get(platform: Platform): ChatSurface {
    const surface = this.surfaces.get(platform);
    if (surface === undefined) throw new Error(`No chat surface is registered for ${platform}.`);
    return surface;
  }

  has(platform: Platform): boolean {
    return this.surfaces.has(platform);
  }
}
