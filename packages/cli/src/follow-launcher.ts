/** How often the parent is looked at: an orphaned worker stops within about this long. */
const CHECK_MS = 1000;

/**
 * `npx tq worker` runs as npm exec → `sh -c tq` → node, and npm exec does not pass SIGTERM on: it exits
 * and its children are re-parented, so a process manager's stop leaves the worker running with nobody
 * to stop it (checked with npm 11). When npm started this process (`npm_lifecycle_event` is set: `npx`,
 * or an `npm run`/`npm start` script), call `onGone` once its parent has gone, so the worker (or
 * scheduler) shuts down warm as if it had been sent SIGTERM. A process started otherwise (`node node_modules/.bin/tq`, `exec`
 * in a container, `nohup`) is left alone: outliving its parent may be what its user wants.
 */
export function followLauncher(onGone: () => void, env: NodeJS.ProcessEnv = process.env): void {
  if (!env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, CHECK_MS);
  // Never what keeps the process alive.
  timer.unref();
}
