import { statSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { GitError } from '../../core/errors.js';
import { blobId, isObjectFile, listObjectFiles, readObjectFile } from '../inventory/files.js';
import { dirtyPaths, headTree, treeBlobs, type GitView } from './gitstate.js';
import type { FileChange } from './ingest.js';
import { READ_WORKER_SOURCE } from './read-worker.js';

/**
 * What a full build reads: git's view of the inventory folder (the tree at HEAD, the uncommitted
 * paths) and then every object file in path order, with its blob id (git's for clean files, hashed
 * for dirty ones). Two interchangeable implementations: in this thread, or (for big inventories,
 * where reading and git cost as much as decoding) in a worker thread that reads while this thread
 * decodes and inserts. Both yield exactly the same files in the same order.
 */
export interface BuildSource {
  /** Blocks until git has answered. */
  head(): { tree: string; dirty: string[] };
  /** Object files with their text, in path order; call once, after head(). */
  files(): Generator<FileChange>;
  /** Stops the worker if the build gave up early. */
  close(): void;
}

export type ReaderChoice = 'auto' | 'thread' | 'worker';

/**
 * A worker costs a thread start (~30-80 ms here); it pays off from about ten thousand files. The
 * size of git's index file (~100 bytes per tracked file) tells that without asking git.
 */
const WORKER_MIN_GIT_INDEX_BYTES = 1 << 20;

export function buildSource(g: GitView | undefined, inventoryDir: string, choice: ReaderChoice = 'auto'): BuildSource {
  if (!g) return threadSource(undefined, inventoryDir);
  if (choice === 'worker' || (choice === 'auto' && gitIndexBytes(g) >= WORKER_MIN_GIT_INDEX_BYTES)) return workerSource(g, inventoryDir);
  return threadSource(g, inventoryDir);
}

function gitIndexBytes(g: GitView): number {
  try {
    return statSync(join(g.gitDir, 'index')).size;
  } catch {
    return 0;
  }
}

function threadSource(g: GitView | undefined, inventoryDir: string): BuildSource {
  let head: { tree: string; dirty: string[] } | undefined;
  const getHead = () => (head ??= { tree: g ? headTree(g) : '', dirty: g ? dirtyPaths(g).filter(isObjectFile) : [] });
  return {
    head: getHead,
    *files() {
      const { tree, dirty } = getHead();
      const dirtySet = new Set(dirty);
      const blobs = g ? treeBlobs(g, tree) : new Map<string, string>();
      const paths = g ? [...new Set([...[...blobs.keys()].filter(isObjectFile), ...dirty])].sort() : listObjectFiles(inventoryDir);
      for (const p of paths) {
        const text = readObjectFile(inventoryDir, p);
        if (text === undefined) continue;
        const known = dirtySet.has(p) ? undefined : blobs.get(p);
        yield { path: p, text, blob: known ?? blobId(text) };
      }
    },
    close: () => undefined,
  };
}

type WorkerMessage =
  | { head: { tree: string; dirty: string[] } }
  | { files: { names: string; ends: Int32Array; bytes: ArrayBuffer } }
  | { end: true }
  | { error: { message: string; git: boolean } };

/** How long the worker may stay silent before the build gives up on it. */
const STALL_MS = 120_000;

function workerSource(g: GitView, inventoryDir: string): BuildSource {
  const signal = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(READ_WORKER_SOURCE, {
    eval: true,
    workerData: { port: port2, signal, top: g.top, prefix: g.prefix, dir: inventoryDir, head: g.head, batchFiles: 512, batchBytes: 512 * 1024, ahead: 32 },
    transferList: [port2],
  });
  // Never keep the process alive for it: every message is read synchronously below.
  worker.unref();
  // A crash is seen synchronously (signal[2] set, no message): the event must not crash svc later.
  worker.on('error', () => undefined);
  const next = (): WorkerMessage => {
    let quiet = 0;
    for (;;) {
      const seen = Atomics.load(signal, 0);
      const m = receive(port1);
      if (m) return m;
      if (Atomics.load(signal, 2) === 1) {
        const last = receive(port1);
        if (last) return last;
        throw new Error('the inventory reader thread stopped unexpectedly');
      }
      if (Atomics.wait(signal, 0, seen, 1000) === 'timed-out' && (quiet += 1000) >= STALL_MS) {
        throw new Error('the inventory reader thread stopped answering');
      }
    }
  };
  const fail = (m: { error: { message: string; git: boolean } }): never => {
    throw m.error.git ? new GitError(m.error.message) : new Error(`reading the inventory failed: ${m.error.message}`);
  };
  let head: { tree: string; dirty: string[] } | undefined;
  const getHead = () => {
    if (head) return head;
    const m = next();
    if ('error' in m) return fail(m);
    if (!('head' in m)) throw new Error('the inventory reader thread answered out of order');
    head = { tree: m.head.tree, dirty: m.head.dirty.filter(isObjectFile) };
    return head;
  };
  const close = () => {
    port1.close();
    void worker.terminate();
  };
  return {
    head: getHead,
    *files() {
      getHead();
      try {
        for (;;) {
          const m = next();
          if ('error' in m) fail(m);
          if ('end' in m) return;
          if (!('files' in m)) throw new Error('the inventory reader thread answered out of order');
          Atomics.add(signal, 1, 1);
          Atomics.notify(signal, 1);
          const { ends } = m.files;
          const names = m.files.names.split('\0');
          const bytes = Buffer.from(m.files.bytes);
          let start = 0;
          for (let i = 0; i < ends.length; i++) {
            const end = ends[i]!;
            if (end < 0) continue;
            const path = names[2 * i]!;
            // Decoded as readFileSync(path, 'utf8') would (invalid UTF-8 becomes U+FFFD).
            if (isObjectFile(path)) yield { path, text: bytes.toString('utf8', start, end), blob: names[2 * i + 1]! };
            start = end;
          }
        }
      } finally {
        close();
      }
    },
    close,
  };
}

function receive(port: MessagePort): WorkerMessage | undefined {
  return receiveMessageOnPort(port)?.message as WorkerMessage | undefined;
}
