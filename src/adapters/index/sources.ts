import * as buffer from 'node:buffer';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { GitError } from '../../core/errors.js';
import { parseLsFiles, readIndexFile, type IndexSpans } from '../git/index-file.js';
import { isObjectFile, listObjectFiles } from '../inventory/files.js';
import { makeBuildKit, makeChunkReader, type BuildPlan, type ChunkReader, type Listing, type Records } from './build-kit.js';
import { dirtyPaths, headTree, indexListing, stagedPaths, statusScope, untrackedPaths, type GitView, type StatusScope } from './gitstate.js';
import { READ_WORKER_SOURCE, type ReadWorkerData, type ReadWorkerMessage } from './read-worker.js';

/**
 * What a full build reads: every object file as a record (./build-kit.ts), tracked files first,
 * then new ones, each group in build order; then HEAD's tree of the inventory and the uncommitted
 * paths. For big inventories a worker thread shares the reading and decoding (./read-worker.ts);
 * with or without it the records are the same, in the same order.
 *
 * The uncommitted paths are what `git status` would list, found without it (status looks at every
 * file, which is about a third of a second of CPU at 100k files): the tracked files whose content,
 * hashed as it is read, is not the blob git's index has (or that are missing), the new files
 * (`git ls-files --others`), and the files whose staged entry is not HEAD's (`git diff-index
 * --cached`; all of them when HEAD has no tree for the folder). Only when many tracked files look
 * changed is git status asked after all (see CONFIRM_CHANGED).
 */
export interface BuildSource {
  /** The records, in batches; call once. `expect` hears how many tracked files there are, before the first batch. */
  records(expect?: (files: number) => void): Generator<Records>;
  /** After records() has ended. */
  state(): BuildState;
  /** Stops the worker if the build gave up early. */
  close(): void;
}

export interface BuildState {
  /** The inventory folder's tree at HEAD ('' when none). */
  tree: string;
  /** The uncommitted object files. */
  dirty: string[];
  /** How later refreshes ask git status (see ./gitstate.ts dirtyPaths). */
  status: StatusScope;
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
/** Listed files that look changed from which git status is asked to confirm them (see records()). */
const CONFIRM_CHANGED = 64;
/** How long the worker may stay silent before the build gives up on it. */
const STALL_MS = 120_000;

export function buildSource(g: GitView | undefined, inventoryDir: string, plan: BuildPlan, choice: ReaderChoice = 'auto'): BuildSource {
  const tree = g ? headTree(g) : '';
  const worker = g && (choice === 'worker' || (choice === 'auto' && gitIndexBytes(g) >= WORKER_MIN_GIT_INDEX_BYTES)) ? startWorker(g, inventoryDir, plan, tree) : undefined;
  let state: BuildState | undefined;
  const close = () => worker?.close();
  const kit = makeBuildKit(plan, crypto);
  // Listed now, before the database is set up, so that the worker can start reading at once.
  let index: IndexSpans | undefined;
  let listing: Listing | undefined;
  try {
    if (g) {
      index = readIndexFile(g.gitDir);
      listing = kit.listFiles(index ?? parseLsFiles(indexListing(g)), g.prefix);
      worker?.port.postMessage({ listing });
    }
  } catch (e) {
    close();
    throw e;
  }
  return {
    *records(expect) {
      try {
        const reader = makeChunkReader(kit, { fs, path, crypto, buffer }, inventoryDir);
        if (!g || !listing) {
          const all = kit.order(listObjectFiles(inventoryDir));
          for (let i = 0; i < all.length; i += CHUNK_FILES) yield reader.read(all, i, Math.min(all.length, i + CHUNK_FILES));
          state = { tree: '', dirty: [], status: 'folder' };
          return;
        }
        expect?.(listing.count);
        const changed: string[] = [];
        let answers: { untracked: string[]; staged: string[] | null };
        if (worker) answers = yield* shared(worker, reader, listing, changed);
        else {
          for (let i = 0; i < listing.count; i += CHUNK_FILES) yield reader.readListed(listing, i, Math.min(listing.count, i + CHUNK_FILES), changed);
          answers = { untracked: untrackedPaths(g), staged: tree === '' ? null : stagedPaths(g) };
          const fresh = kit.order(answers.untracked);
          for (let i = 0; i < fresh.length; i += CHUNK_FILES) yield reader.read(fresh, i, Math.min(fresh.length, i + CHUNK_FILES));
        }
        // Without a tree at HEAD every listed file is new to it.
        const staged = answers.staged ?? Array.from({ length: listing.count }, (_, i) => kit.listed(listing, i)[0]);
        const status = index ? statusScope(index.count, listing.count) : 'folder';
        // Many files whose bytes are not their blob are more likely converted by git on checkout
        // (CRLF line endings, a clean filter) than edited: git status, which applies the
        // conversions, tells. Otherwise each would be re-read by the next refresh, and applied again
        // by every request opened from this index until then.
        const dirty = changed.length >= CONFIRM_CHANGED ? dirtyPaths(g, status).filter(isObjectFile) : [...new Set([...changed, ...answers.untracked, ...staged])].filter(isObjectFile).sort();
        state = { tree, dirty, status };
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

function startWorker(g: GitView, inventoryDir: string, plan: BuildPlan, head: string): StartedWorker {
  const signal = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const data: ReadWorkerData = { port: port2, signal, top: g.top, prefix: g.prefix, dir: inventoryDir, head, plan, chunkFiles: CHUNK_FILES, ahead: AHEAD };
  // None of this process's flags: the source is plain CommonJS, and an inherited flag such as
  // --input-type=module (or a loader) would change how it is read and keep the thread from starting.
  const worker = new Worker(READ_WORKER_SOURCE, { eval: true, execArgv: [], workerData: data, transferList: [port2] });
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
 * ./read-worker.ts), then the worker's new files. Returns git's answers; `changed` gets the
 * changed listed paths of every chunk.
 */
function* shared(worker: StartedWorker, reader: ChunkReader, listing: Listing, changed: string[]): Generator<Records, { untracked: string[]; staged: string[] | null }> {
  const { signal } = worker;
  const chunks = Math.ceil(listing.count / CHUNK_FILES);
  const ready = new Map<number, Records>();
  const tail: Records[] = [];
  let done: { untracked: string[]; staged: string[] | null } | undefined;
  const handle = (m: ReadWorkerMessage) => {
    if ('error' in m) throw m.error.git ? new GitError(m.error.message) : new Error(`reading the inventory failed: ${m.error.message}`);
    if ('chunk' in m) {
      ready.set(m.chunk, m.rows);
      for (const p of m.changed) changed.push(p);
    } else if ('tail' in m) tail.push(m.tail);
    else done = m.done;
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
    // Nothing to insert: read a chunk here rather than wait (unless far ahead already).
    if (ready.size < AHEAD) {
      const c = Atomics.add(signal, 3, 1);
      if (c < chunks) {
        ready.set(c, reader.readListed(listing, c * CHUNK_FILES, Math.min(listing.count, (c + 1) * CHUNK_FILES), changed));
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
    } else if (done) return done;
    else handle(worker.next(true)!);
  }
}
