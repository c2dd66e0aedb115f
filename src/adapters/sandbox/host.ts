/**
 * The sandbox process: svc starts it (./client.ts) with --no-node-snapshot (isolated-vm requires it
 * on Node 20), Node's permission model (it may read its own file and isolated-vm, nothing else; no
 * child processes, no workers), an empty environment, and no stdin or stdout. Each generator gets
 * its own V8 isolate here, with a heap limit, and the CPU time of each run is watched. The isolate
 * has no Node APIs: what it can do is call the sdk, whose calls come here as a method name and JSON
 * text and go on to svc unchanged.
 */
import ivm from 'isolated-vm';
import type { FromHost, Limits, StopReason, ToHost } from './protocol.js';
import { PRELUDE } from './prelude.js';

interface Generator {
  isolate: ivm.Isolate;
  context: ivm.Context;
  entry: ivm.Reference<(op: string, arg?: string) => unknown>;
  limits: Limits;
  /** Set when the host stopped the isolate: the reason later messages are answered with. */
  stopped?: StopReason;
  /** The run the bridge's calls belong to (the engine runs one target of a generator at a time). */
  run?: number;
}

/** How long a run may sit with no sdk call open and no CPU used before it is judged stuck. */
const STALL_MS = 5000;
const WATCH_MS = 20;

const generators = new Map<number, Generator>();
const replies = new Map<number, (json: string) => void>();
let nextCall = 1;

const send = (m: FromHost): void => void process.send!(m);

process.on('disconnect', () => process.exit(0));
process.on('message', (raw) => {
  const m = raw as ToHost;
  if (m.t === 'reply') {
    const resolve = replies.get(m.call);
    replies.delete(m.call);
    resolve?.(m.json);
  } else if (m.t === 'load') {
    void load(m.id, m.code, m.filename, m.limits, m.exported);
  } else if (m.t === 'run') {
    void run(m.id, m.gen, m.init);
  } else if (m.t === 'dispose') {
    const g = generators.get(m.gen);
    generators.delete(m.gen);
    if (g && !g.isolate.isDisposed) g.isolate.dispose();
  }
});
send({ t: 'ready' });

/** Calls from the isolate: only two strings ever cross, whatever the generator passes. */
function bridge(g: Generator) {
  return (method: unknown, args: unknown): Promise<string> | undefined => {
    if (typeof method !== 'string' || typeof args !== 'string' || g.run === undefined) {
      return Promise.resolve(JSON.stringify({ ok: false, message: 'the sdk bridge takes a method name and JSON text', name: 'TypeError' }));
    }
    if (method === 'log') {
      send({ t: 'notify', run: g.run, method, args });
      return undefined;
    }
    const call = nextCall++;
    open.set(g, (open.get(g) ?? 0) + 1);
    send({ t: 'call', run: g.run, call, method, args });
    return new Promise((resolve) => {
      replies.set(call, (json) => {
        open.set(g, (open.get(g) ?? 1) - 1);
        resolve(json);
      });
    });
  };
}
const open = new Map<Generator, number>();

/**
 * Runs `work` in g's isolate while watching its CPU time; stops the isolate past the limit, or when
 * it has no sdk call open and uses no CPU for STALL_MS (it waits for a promise nothing can resolve:
 * the isolate has no timers or I/O of its own).
 */
async function watched<T>(g: Generator, work: () => Promise<T>): Promise<{ value?: T; stopped?: StopReason; error?: unknown }> {
  const start = g.isolate.cpuTime;
  const limit = BigInt(Math.round(g.limits.cpuMs * 1e6));
  let last = start;
  let idleSince = Date.now();
  const timer = setInterval(() => {
    if (g.isolate.isDisposed) return;
    const now = g.isolate.cpuTime;
    if (now - start > limit) return stop(g, 'timeout');
    if (now !== last || (open.get(g) ?? 0) > 0) {
      last = now;
      idleSince = Date.now();
    } else if (Date.now() - idleSince > STALL_MS) {
      stop(g, 'stalled');
    }
  }, WATCH_MS);
  try {
    return { value: await work() };
  } catch (error) {
    if (g.stopped) return { stopped: g.stopped };
    // isolated-vm disposes an isolate that reaches its heap limit itself.
    if (g.isolate.isDisposed || /memory limit/i.test(String((error as Error)?.message))) return { stopped: (g.stopped = 'out-of-memory') };
    // The wall-clock backstop of a synchronous run (the module's top level).
    if (/timed out/i.test(String((error as Error)?.message))) {
      stop(g, 'timeout');
      return { stopped: 'timeout' };
    }
    return { error };
  } finally {
    clearInterval(timer);
  }
}

function stop(g: Generator, reason: StopReason): void {
  g.stopped = reason;
  if (!g.isolate.isDisposed) g.isolate.dispose();
}

const errorData = (e: unknown) => ({ message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) });

async function load(id: number, code: string, filename: string, limits: Limits, exported: string | undefined): Promise<void> {
  const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
  const context = await isolate.createContext();
  const g: Generator = { isolate, context, limits, entry: undefined as never };
  await context.global.set('__svc_bridge', new ivm.Reference(bridge(g)));
  g.entry = (await context.eval(PRELUDE, { reference: true })) as Generator['entry'];
  const r = await watched(g, async () => {
    const script = await isolate.compileScript(code, { filename });
    await script.run(context, { timeout: limits.cpuMs * 4 });
    return (await g.entry.apply(undefined, exported === undefined ? ['load'] : ['load', exported], { result: { copy: true } })) as string;
  });
  if (r.value !== undefined && (JSON.parse(r.value) as { ok: boolean }).ok) generators.set(id, g);
  else if (!isolate.isDisposed) isolate.dispose();
  send({ t: 'done', id, ...(r.value !== undefined ? { json: r.value } : {}), ...(r.stopped ? { stopped: r.stopped } : {}), ...(r.error !== undefined ? { error: errorData(r.error) } : {}) });
}

async function run(id: number, gen: number, init: string): Promise<void> {
  const g = generators.get(gen);
  if (!g || g.stopped) {
    send({ t: 'done', id, ...(g?.stopped ? { stopped: g.stopped } : { error: { message: 'the generator is no longer loaded' } }) });
    return;
  }
  g.run = id;
  const r = await watched(g, async () => (await g.entry.apply(undefined, ['run', init], { result: { promise: true, copy: true } })) as string);
  g.run = undefined;
  send({ t: 'done', id, ...(r.value !== undefined ? { json: r.value } : {}), ...(r.stopped ? { stopped: r.stopped } : {}), ...(r.error !== undefined ? { error: errorData(r.error) } : {}) });
}
