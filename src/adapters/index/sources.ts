import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { GitError } from '../../core/errors.js';
import { isObjectFile, listObjectFiles } from '../inventory/files.js';
import { makeBuildKit, makeChunkReader, type BuildPlan, type ChunkReader, type Records } from './build-kit.js';
import { dirtyPaths, headTree, indexListing, type GitView } from './gitstate.js';
import { READ_WORKER_SOURCE, type ReadWorkerData, type ReadWorkerMessage } from './read-worker.js';

/**
 * What a full build reads: every object file as a record (./build-kit.ts), tracked files first,
 * then new ones, each group in build order; then HEAD's tree of the inventory and the uncommitted
 * paths. For big inventories a worker thread shares the reading and decoding (./read-worker.ts);
 * with or without it the records are the same, in the same order.
 */
export interface BuildSource {
  /**
   * The records, in batches; call once. `fix(path, blob)` gives the real blob id of a file whose
   * record had a provisional one (it was read before git status answered).
   */
  records(fix: (path: string, blob: string) => void): Generator<Records>;
  /** After records() has ended. */
  state(): { tree: string; dirty: string[] };
  /** Stops the worker if the build gave up early. */
  close(): void;
}

export type ReaderChoice = 'auto' | 'thread' | 'worker';

/**
 * A worker costs a thread start (~30-80 ms here); it pays off from about ten thousand files. The
 * size of git's index file (~100 bytes per tracked file) tells that without asking git.
 */
const WORKER_MIN_GIT_INDEX_BYTES = 1 << 20;

/** Files per chunk: a few milliseconds of work, so neither thread waits long for the other. */
const CHUNK_FILES = 256;
/** Chunks either thread may have ready before the main thread has inserted the ones before them. */
const AHEAD = 16;
/** File contents kept while git status has not answered (see ChunkReader), per thread. */
const KEEP_BYTES = 64 * 1024 * 1024;
/** How long the worker may stay silent before the build gives up on it. */
const STALL_MS = 120_000;

export function buildSource(g: GitView | undefined, inventoryDir: string, plan: BuildPlan, choice: ReaderChoice = 'auto'): BuildSource {
  const worker = g && (choice === 'worker' || (choice === 'auto' && gitIndexBytes(g) >= WORKER_MIN_GIT_INDEX_BYTES)) ? startWorker(g, inventoryDir, plan) : undefined;
  let state: { tree: string; dirty: string[] } | undefined;
  const close = () => worker?.close();
  return {
    *records(fix) {
      try {
        const kit = makeBuildKit(plan, crypto);
        const reader = makeChunkReader(kit, { fs, path, crypto }, inventoryDir);
        if (!g) {
          const all = kit.order(listObjectFiles(inventoryDir));
          for (let i = 0; i < all.length; i += CHUNK_FILES) yield reader.read(all, undefined, i, Math.min(all.length, i + CHUNK_FILES), undefined);
          state = { tree: '', dirty: [] };
          return;
        }
        const tree = headTree(g);
        const listing = indexListing(g);
        // The worker orders the same listing the same way meanwhile (cheaper than sending the result).
        worker?.port.postMessage({ listing });
        const { paths, blobs } = kit.orderListing(listing, g.prefix);
        let dirty: string[];
        if (worker) dirty = yield* shared(worker, reader, paths, blobs, fix);
        else {
          dirty = dirtyPaths(g);
          const dirtySet = new Set(dirty);
          for (let i = 0; i < paths.length; i += CHUNK_FILES) yield reader.read(paths, blobs, i, Math.min(paths.length, i + CHUNK_FILES), dirtySet);
          const tracked = new Set(paths);
          const fresh = kit.order(dirty.filter((p) => !tracked.has(p)));
          for (let i = 0; i < fresh.length; i += CHUNK_FILES) yield reader.read(fresh, undefined, i, Math.min(fresh.length, i + CHUNK_FILES), dirtySet);
        }
        state = { tree, dirty: dirty.filter(isObjectFile) };
      } finally {
        close();
      }
    },
    state: () => {
      if (!state) throw new Error('the build source was asked for its state before its records');
      return state;
    },
    close,
  };
}

function gitIndexBytes(g: GitView): number {
  try {
    return statSync(join(g.gitDir, 'index')).size;
  } catch {
    return 0;
  }
}

interface StartedWorker {
  signal: Int32Array;
  port: MessagePort;
  next(wait: boolean): ReadWorkerMessage | undefined;
  close(): void;
}

function startWorker(g: GitView, inventoryDir: string, plan: BuildPlan): StartedWorker {
  const signal = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const data: ReadWorkerData = { port: port2, signal, top: g.top, prefix: g.prefix, dir: inventoryDir, plan, chunkFiles: CHUNK_FILES, ahead: AHEAD, keepBytes: KEEP_BYTES };
  const worker = new Worker(READ_WORKER_SOURCE, { eval: true, workerData: data, transferList: [port2] });
  // Never keep the process alive for it: every message is read synchronously below.
  worker.unref();
  // A crash is seen synchronously (signal[2] set, no message): the event must not crash svc later.
  worker.on('error', () => undefined);
  const receive = () => receiveMessageOnPort(port1)?.message as ReadWorkerMessage | undefined;
  return {
    signal,
    port: port1,
    next(wait) {
      let quiet = 0;
      for (;;) {
        const seen = Atomics.load(signal, 0);
        const m = receive();
        if (m || !wait) return m;
        if (Atomics.load(signal, 2) === 1) {
          const last = receive();
          if (last) return last;
          throw new Error('the inventory reader thread stopped unexpectedly');
        }
        if (Atomics.wait(signal, 0, seen, 1000) === 'timed-out' && (quiet += 1000) >= STALL_MS) {
          throw new Error('the inventory reader thread stopped answering');
        }
      }
    },
    close() {
      port1.close();
      void worker.terminate();
    },
  };
}

/**
 * The tracked files' chunks in order, read by whichever thread takes each first (see
 * ./read-worker.ts), then the worker's new files. Returns what git status listed.
 */
function* shared(worker: StartedWorker, reader: ChunkReader, paths: string[], blobs: string[], fix: (path: string, blob: string) => void): Generator<Records, string[]> {
  const { signal } = worker;
  const chunks = Math.ceil(paths.length / CHUNK_FILES);
  const ready = new Map<number, Records>();
  const tail: Records[] = [];
  let dirty: Set<string> | undefined;
  let dirtyList: string[] = [];
  let done = false;
  const handle = (m: ReadWorkerMessage) => {
    if ('error' in m) throw m.error.git ? new GitError(m.error.message) : new Error(`reading the inventory failed: ${m.error.message}`);
    if ('chunk' in m) ready.set(m.chunk, m.rows);
    else if ('status' in m) {
      dirtyList = m.status;
      dirty = new Set(dirtyList);
      for (const [p, blob] of reader.settle(dirty)) fix(p, blob);
    } else if ('fixes' in m) for (const [p, blob] of m.fixes) fix(p, blob);
    else if ('tail' in m) tail.push(m.tail);
    else done = true;
  };
  let next = 0;
  while (next < chunks) {
    const rows = ready.get(next);
    if (rows) {
      ready.delete(next);
      Atomics.store(signal, 1, ++next);
      Atomics.notify(signal, 1);
      yield rows;
      continue;
    }
    const m = worker.next(false);
    if (m) {
      handle(m);
      continue;
    }
    // Nothing to insert: read a chunk here rather than wait (unless far ahead already, or holding
    // as many bytes as allowed until git status answers).
    if (ready.size < AHEAD && reader.keptBytes <= KEEP_BYTES) {
      const c = Atomics.add(signal, 3, 1);
      if (c < chunks) {
        ready.set(c, reader.read(paths, blobs, c * CHUNK_FILES, Math.min(paths.length, (c + 1) * CHUNK_FILES), dirty));
        continue;
      }
    }
    handle(worker.next(true)!);
  }
  // The new files, as they come (a few arrived already, perhaps).
  for (;;) {
    const rows = tail.shift();
    if (rows) {
      Atomics.store(signal, 1, ++next);
      Atomics.notify(signal, 1);
      yield rows;
    } else if (done) return dirtyList;
    else handle(worker.next(true)!);
  }
}
