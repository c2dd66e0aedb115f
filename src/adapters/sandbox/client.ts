/**
 * svc's side of the sandbox: starts the sandbox process (./host.ts) on first use and keeps it for
 * the life of the svc process, sends it generator bundles and runs, and answers the sdk calls of a
 * run with the sdk svc made for it. Arguments arrive as JSON text and are parsed here, so what a
 * generator passes can only ever be plain data; an object key `__proto__` is refused outright (copied
 * into one of svc's objects by a spread or Object.assign, it would change that object's prototype).
 *
 * The process holds svc's event loop open only while a load or a run is under way, and it exits
 * when svc does. If it dies (a V8 fatal error in a generator's isolate), what was under way fails
 * and the next load starts a new one: svc itself never goes down with a generator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GENERATOR_LIMITS } from '../../core/catalog/catalog.js';
import { SvcError, UsageError } from '../../core/errors.js';
import type { GeneratorSdk } from '../../sdk/index.js';
import type { FromHost, Limits, Outcome, ToHost } from './protocol.js';

export type { Limits, Outcome, StopReason } from './protocol.js';

export const DEFAULT_LIMITS: Limits = DEFAULT_GENERATOR_LIMITS;

/** The sdk methods a generator may call; anything else is refused before it reaches the sdk. */
const METHODS = new Set(['get', 'getByHfid', 'list', 'peer', 'peers', 'referrers', 'upsert', 'update', 'delete', 'allocateNumber', 'allocatePrefix', 'allocateAddress', 'claim', 'now', 'log']);
const LEVELS = new Set(['info', 'warn', 'debug']);

interface Run {
  sdk: GeneratorSdk;
  /** Errors the sdk threw during the run, by the number the generator saw: its failure may be one. */
  errors: Map<number, unknown>;
}

class Host {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (o: Outcome) => void>();
  readonly runs = new Map<number, Run>();
  private nextId = 1;
  private stderr = '';
  dead = false;

  constructor() {
    const file = hostFile();
    const ivm = realpathSync(dirname(createRequire(import.meta.url).resolve('isolated-vm/package.json')));
    const args = [
      '--no-node-snapshot',
      '--experimental-permission',
      // Its own folder (host.js, the prelude), isolated-vm, and the package.json that makes them modules.
      `--allow-fs-read=${realpathSync(dirname(file))}/*`,
      `--allow-fs-read=${ivm}/*`,
      `--allow-fs-read=${realpathSync(join(dirname(file), '../../../package.json'))}`,
      '--allow-addons',
      '--disable-warning=ExperimentalWarning',
      file,
    ];
    this.child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: {}, serialization: 'advanced' });
    this.child.stderr!.setEncoding('utf8');
    this.child.stderr!.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4000);
    });
    this.child.on('message', (m: FromHost) => this.receive(m));
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      if (host === this) host = undefined;
      const message = `the generator sandbox stopped (${signal ?? `exit ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`;
      // V8 aborts the whole process when an isolate's heap cannot be saved by isolated-vm.
      const oom = signal === 'SIGABRT' || code === 134 || /out of memory|memory limit|allocation failed/i.test(this.stderr);
      for (const done of this.waiting.values()) done({ error: { message }, ...(oom ? { stopped: 'out-of-memory' as const } : {}) });
      this.waiting.clear();
    });
    this.child.on('error', () => {});
    this.idle();
  }

  /** Send a load or a run; resolves with its outcome. */
  request(make: (id: number) => ToHost, run?: Run): Promise<Outcome> & { id: number } {
    const id = this.nextId++;
    if (run) this.runs.set(id, run);
    const p = new Promise<Outcome>((resolve) => {
      if (this.dead) return resolve({ error: { message: 'the generator sandbox is not running' } });
      this.waiting.set(id, (o) => {
        this.runs.delete(id);
        resolve(o);
      });
      this.busy();
      this.send(make(id));
    }) as Promise<Outcome> & { id: number };
    p.id = id;
    return p;
  }

  send(m: ToHost): void {
    if (!this.dead && this.child.connected) this.child.send(m);
  }

  private receive(m: FromHost): void {
    if (m.t === 'done') {
      const done = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (!this.waiting.size) this.idle();
      done?.(m);
    } else if (m.t === 'call' || m.t === 'notify') {
      const run = this.runs.get(m.run);
      const answer = (json: string) => m.t === 'call' && this.send({ t: 'reply', call: m.call, json });
      if (!run) return void answer(JSON.stringify({ ok: false, message: 'the run is over', name: 'Error' }));
      dispatch(run, m.method, m.args).then(
        (value) => answer(JSON.stringify({ ok: true, value })),
        (e: unknown) => {
          const ref = run.errors.size + 1;
          run.errors.set(ref, e);
          answer(JSON.stringify({ ok: false, ref, message: e instanceof Error ? e.message : String(e), name: e instanceof Error ? e.name : 'Error' }));
        },
      );
    }
  }

  private busy(): void {
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
    (this.child.stderr as { ref?: () => void } | null)?.ref?.();
  }

  private idle(): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
    (this.child.stderr as { unref?: () => void } | null)?.unref?.();
  }
}

let host: Host | undefined;
const theHost = (): Host => (host && !host.dead ? host : (host = new Host()));

/** dist/adapters/sandbox/host.js; tests run the sources, whose sandbox is the built one. */
function hostFile(): string {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.ts') ? join(dirname(here), '../../../dist/adapters/sandbox/host.js') : join(dirname(here), 'host.js');
  if (!existsSync(file)) throw new UsageError('generators/no-sandbox', `svc's generator sandbox ${file} is missing`, { hint: 'run `npm run build` in svc' });
  return file;
}

async function dispatch(run: Run, method: string, json: string): Promise<unknown> {
  if (!METHODS.has(method)) throw new SvcError('generators/sdk-misuse', `the sdk has no method ${method}`, { exitCode: 1 });
  const args = JSON.parse(json, (key, value: unknown) => {
    if (key === '__proto__') throw new SvcError('generators/forbidden-key', 'an object key "__proto__" was passed to the sdk: svc refuses it', { exitCode: 1 });
    return value;
  }) as unknown;
  if (!Array.isArray(args)) throw new SvcError('generators/sdk-misuse', 'sdk arguments must be a list', { exitCode: 1 });
  // JSON has no undefined: an optional argument left out arrives as null.
  const given = args.map((a: unknown) => (a === null ? undefined : a));
  const sdk = run.sdk as unknown as Record<string, unknown> & GeneratorSdk;
  if (method === 'log') {
    const [level, message] = given;
    if (typeof level === 'string' && LEVELS.has(level)) sdk.log[level as 'info'](String(message));
    return undefined;
  }
  if (method === 'now') return sdk.now().toISOString();
  const fn = sdk[method];
  if (typeof fn !== 'function') throw new TypeError(`sdk.${method} is not a function`);
  return (await (fn as (...a: unknown[]) => unknown).apply(sdk, given)) ?? undefined;
}

export interface SandboxModule {
  outcome: Outcome;
  /** Run the module's generate function with `sdk`; `errors` are those the sdk threw. */
  run(sdk: GeneratorSdk): Promise<{ outcome: Outcome; errors: Map<number, unknown> }>;
  /** Call the function a check or transform exports with `data` (JSON); its value comes back as the outcome's JSON. */
  call(data: unknown): Promise<Outcome>;
  /** Let go of the module's isolate. */
  dispose(): void;
}

/**
 * Evaluate a bundle (an IIFE that sets `__svc_generator`) in a fresh isolate. The module stays bound
 * to the sandbox process that loaded it: should that one die, its runs fail rather than reach a
 * module of the next process that happens to have the same number.
 */
export async function loadModule(code: string, filename: string, limits: Limits, exported?: string): Promise<SandboxModule> {
  const h = theHost();
  const p = h.request((id) => ({ t: 'load', id, code, filename, limits, ...(exported !== undefined ? { exported } : {}) }));
  const outcome = await p;
  return {
    outcome,
    run: async (sdk) => {
      const init = JSON.stringify({ generator: sdk.generator, target: sdk.target, parameters: sdk.parameters });
      const run: Run = { sdk, errors: new Map() };
      const o = await h.request((id) => ({ t: 'run', id, gen: p.id, init }), run);
      return { outcome: o, errors: run.errors };
    },
    // No sdk: its calls (there is no way to make one) would be answered "the run is over".
    call: (data) => h.request((id) => ({ t: 'run', id, gen: p.id, init: JSON.stringify({ data }) })),
    dispose: () => h.send({ t: 'dispose', gen: p.id }),
  };
}
