/**
 * SIGINT and SIGTERM end svc promptly, with the conventional status (128 + the signal's number: 130,
 * 143), after the cleanups registered for the work under way. Without handlers of its own, svc
 * would get those of whichever library installed one (ora's cursor restore), which only run when
 * the event loop is free, and a busy loop never frees it. A second signal exits at once.
 */
type Cleanup = () => void | Promise<void>;

const cleanups = new Set<Cleanup>();
const NUMBER: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
/** How long cleanups may take before svc exits anyway. */
const CLEANUP_MS = 3000;

/** Run `f` on a signal while the returned function has not been called. */
export function onSignal(f: Cleanup): () => void {
  cleanups.add(f);
  return () => cleanups.delete(f);
}

let installed = false;

export function installSignalHandlers(write: (text: string) => void): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  for (const name of Object.keys(NUMBER)) {
    process.on(name as NodeJS.Signals, () => {
      const code = 128 + NUMBER[name]!;
      if (stopping) process.exit(code);
      stopping = true;
      write(`\nsvc: ${name}: stopping\n`);
      const all = [...cleanups].reverse().map(async (f) => {
        try {
          await f();
        } catch {
          // A cleanup that fails must not keep svc from ending.
        }
      });
      const timer = setTimeout(() => process.exit(code), CLEANUP_MS);
      timer.unref();
      void Promise.all(all).finally(() => process.exit(code));
    });
  }
}
