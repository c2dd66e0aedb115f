/** The messages between svc and its sandbox process (./host.ts), over Node's IPC channel. */

/** How a generator run or load was stopped, when the host stopped it. */
export type StopReason = 'timeout' | 'stalled' | 'out-of-memory';

export interface Limits {
  /** CPU time one run (or the module's loading) may use, in milliseconds. */
  cpuMs: number;
  /** The generator's heap, in megabytes. */
  memoryMb: number;
}

export type ToHost =
  /** `exported`: the function a check or transform exports; absent for a generator. */
  | { t: 'load'; id: number; code: string; filename: string; limits: Limits; exported?: string }
  | { t: 'run'; id: number; gen: number; init: string }
  | { t: 'reply'; call: number; json: string }
  | { t: 'dispose'; gen: number };

/** A failure as data: `json` is what the prelude returned; `error` an exception outside it. */
export interface Outcome {
  json?: string;
  stopped?: StopReason;
  error?: { message: string; stack?: string };
}

export type FromHost =
  | { t: 'ready' }
  | { t: 'call'; run: number; call: number; method: string; args: string }
  | { t: 'notify'; run: number; method: string; args: string }
  | ({ t: 'done'; id: number } & Outcome);
