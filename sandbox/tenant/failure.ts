/**
 * A Graph error decided deep inside a route or the tenant logic. Thrown, then turned into the documented
 * envelope (errors.ts graphError) by the router, which knows the request id and the clock.
 */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: { code: string; message: string; target: string }[],
  ) {
    super(message);
    this.name = 'GraphFailure';
  }
}

export const badRequest = (message: string): GraphFailure =>
  new GraphFailure(400, 'Request_BadRequest', message);
export const unsupportedQuery = (message: string): GraphFailure =>
  new GraphFailure(400, 'Request_UnsupportedQuery', message);
