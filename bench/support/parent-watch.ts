/**
 * Node arguments that preload a watch into a child started with an IPC channel (stdio [..., 'ipc']): when the
 * parent goes away, even by SIGKILL, the channel closes and the child ends at once, so no sandbox or bot
 * outlives a benchmark or test run. The channel is unref'd, so it keeps nothing alive; the child never uses it.
 */
const WATCH_SOURCE =
  'if (process.channel) { process.channel.unref(); ' +
  "process.once('disconnect', () => process.kill(process.pid, 'SIGKILL')); }";

export const PARENT_WATCH = ['--import', `data:text/javascript,${encodeURIComponent(WATCH_SOURCE)}`];
