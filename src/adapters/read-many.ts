import { readFileSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';

/**
 * Reading many small files as text on two threads. Reading 100,000 inventory files one by one is
 * mostly system calls (open, read, close: 1.4-1.8 s here); a worker thread issuing half of them
 * brings that to about 1.0 s, texts copied back included. Below `minForWorker` files one thread
 * reads them all: a worker costs 30-80 ms to start.
 *
 * Both threads take the next chunk of paths from a shared counter, so the work balances whatever
 * the speed of each. The worker posts each chunk's texts; the main thread collects them when it has
 * no chunk left to read. A chunk the worker could not deliver (it died, or stalled for STALL_MS) is
 * read by the main thread, so the answer never depends on the worker.
 *
 * The worker is an `eval` worker (plain JavaScript below) so that it runs the same under the test
 * runner, which has no compiled file to start a worker from.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { port, signal, paths, per } = workerData;
const chunks = Math.ceil(paths.length / per);
try {
  for (;;) {
    const c = Atomics.add(signal, 0, 1);
    if (c >= chunks) break;
    const texts = [];
    try {
      for (const p of paths.slice(c * per, (c + 1) * per)) texts.push(readFileSync(p, 'utf8'));
      port.postMessage({ chunk: c, texts });
    } catch (e) {
      port.postMessage({ chunk: c, error: { message: String(e && e.message), code: e && e.code } });
    }
    Atomics.add(signal, 1, 1);
    Atomics.notify(signal, 1);
  }
} finally {
  Atomics.store(signal, 2, 1);
  Atomics.notify(signal, 1);
  port.close();
}
`;

/** Files per chunk: a few milliseconds of reading. */
const PER = 256;
/** How long the main thread waits for a silent worker before reading its chunks itself. */
const STALL_MS = 30_000;

interface ChunkMessage {
  chunk: number;
  texts?: string[];
  error?: { message: string; code?: string };
}

/** An error as readFileSync throws it (with its `code`), for a file the worker could not read. */
function readError(e: { message: string; code?: string }): Error {
  return Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
}

/**
 * The text of each file of `paths`, in the same order. Throws what readFileSync throws for a file
 * that cannot be read.
 */
export function readTexts(paths: readonly string[], opts: { minForWorker?: number; workerOnly?: boolean } = {}): string[] {
  if (paths.length < (opts.minForWorker ?? 10_000)) return paths.map((p) => readFileSync(p, 'utf8'));
  const chunks = Math.ceil(paths.length / PER);
  // [0]: next chunk to take; [1]: chunks the worker has posted; [2]: 1 once the worker has ended.
  const signal = new Int32Array(new SharedArrayBuffer(12));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, signal, paths, per: PER }, transferList: [port2] });
  const out = new Array<string>(paths.length);
  const done = new Uint8Array(chunks);
  const readChunk = (c: number) => {
    for (let i = c * PER; i < Math.min(paths.length, (c + 1) * PER); i++) out[i] = readFileSync(paths[i]!, 'utf8');
    done[c] = 1;
  };
  const take = (m: ChunkMessage) => {
    if (m.error) throw readError(m.error);
    m.texts!.forEach((t, k) => (out[m.chunk * PER + k] = t));
    done[m.chunk] = 1;
  };
  try {
    // `workerOnly` (tests): the worker takes every chunk, so that its path is the one exercised.
    while (!opts.workerOnly) {
      const c = Atomics.add(signal, 0, 1);
      if (c >= chunks) break;
      readChunk(c);
    }
    // Every chunk is taken: collect the worker's until it has ended and its messages are drained.
    const drain = () => {
      let m: { message: ChunkMessage } | undefined;
      while ((m = receiveMessageOnPort(port1) as { message: ChunkMessage } | undefined)) take(m.message);
    };
    let quiet = 0;
    for (;;) {
      const posted = Atomics.load(signal, 1);
      const ended = Atomics.load(signal, 2) === 1;
      // A message is in the port's queue once posted: after the worker's end, draining gets them all.
      drain();
      if (ended || done.every((d) => d === 1)) break;
      if (Atomics.wait(signal, 1, posted, 1000) === 'timed-out' && (quiet += 1000) >= STALL_MS) break;
    }
    for (let c = 0; c < chunks; c++) if (!done[c]) readChunk(c);
    return out;
  } finally {
    // Stops a worker still reading (an error above); its remaining messages are dropped with the port.
    void worker.terminate();
    port1.close();
  }
}
