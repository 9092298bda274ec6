/**
 * A preload for the Playground's process (`node --require <file>`): the Playground listens on all interfaces
 * and has no host option (builder-notes §7), so every TCP listen in its process is pinned to 127.0.0.1. Unix
 * sockets, handles and file descriptors pass unchanged. Kept as source text here (written next to the
 * Playground's log at start) because it runs inside the Playground's CommonJS process, not in this project.
 */
export const LOOPBACK_PRELOAD_SOURCE = `'use strict';
const net = require('node:net');
const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object') {
    if ('path' in first || 'handle' in first || 'fd' in first) return originalListen.apply(this, args);
    return originalListen.call(this, { ...first, host: LOOPBACK }, ...args.slice(1));
  }
  if (typeof first === 'function') return originalListen.call(this, 0, LOOPBACK, first);
  if (typeof first === 'number' || first === undefined || /^\\d+$/.test(String(first))) {
    const rest = args.slice(1).filter((arg) => typeof arg !== 'string');
    return originalListen.call(this, first === undefined ? 0 : Number(first), LOOPBACK, ...rest);
  }
  return originalListen.apply(this, args);
};
`;
