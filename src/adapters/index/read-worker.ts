import type * as ChildProcess from 'node:child_process';
import type { MessagePort } from 'node:worker_threads';
import { makeBuildKit, makeChunkReader, type BuildPlan, type ReaderDeps, type Records } from './build-kit.js';

/**
 * The second thread of a full build of a big inventory (see ./sources.ts). The tracked files, in
 * build order, are cut into chunks; this thread and the main thread both take the next chunk from a
 * shared counter, read and decode it (./build-kit.ts). This thread posts its chunks; the main thread
 * inserts every chunk in order and, when it has nothing to insert, takes a chunk itself rather than
 * wait. So on two cores reading and decoding are shared by both threads, and the work balances
 * whatever the speed of each.
 *
 * It also runs `git status`, which looks at every file and answers long after the reading has
 * started: it posts the uncommitted paths as soon as they are known (each thread then corrects the
 * blob ids of the files it read before, see ChunkReader), and after the last chunk reads the new
 * (untracked) files.
 *
 * It runs as an `eval` worker: the test runner compiles TypeScript on the fly, so there is no
 * JavaScript file to start a worker from. readWorkerMain and the kit are therefore sent as source
 * text; like makeBuildKit, readWorkerMain refers to nothing outside its body and gets Node's modules
 * as arguments. It mirrors one piece of ./gitstate.ts (the `status` call and its parsing); a test
 * builds the same repository in one thread and in two and compares the indexes.
 *
 * Protocol, over `port`: the main thread posts `{ listing }` (`git ls-files -s`, which both threads
 * turn into the same list of tracked object files in build order: a copy of one string is cheaper
 * than of the list). This thread posts, read by the main thread synchronously with
 * receiveMessageOnPort: `{ chunk, rows }`; `{ status: dirty }` (every path `git status` lists,
 * sorted); `{ fixes: [path, blob][] }`; after all chunks, `{ tail: rows }` (new files) and `{ done }`;
 * or `{ error: { message, git } }` at any point. `signal[0]` counts posted messages (the main thread
 * waits on it), `signal[1]` is the number of chunks and tail batches the main thread has inserted
 * (this thread waits when it is `ahead` of it, so memory stays bounded), `signal[2]` is set when
 * this thread ends, `signal[3]` is the next chunk to take.
 */
export interface ReadWorkerData {
  port: MessagePort;
  signal: Int32Array;
  top: string;
  prefix: string;
  dir: string;
  plan: BuildPlan;
  chunkFiles: number;
  ahead: number;
  keepBytes: number;
}

export type ReadWorkerMessage =
  | { chunk: number; rows: Records }
  | { status: string[] }
  | { fixes: [string, string][] }
  | { tail: Records }
  | { done: true }
  | { error: { message: string; git: boolean } };

export interface ReadWorkerDeps extends ReaderDeps {
  childProcess: typeof ChildProcess;
  makeBuildKit: typeof makeBuildKit;
  makeChunkReader: typeof makeChunkReader;
}

export async function readWorkerMain(data: ReadWorkerData, deps: ReadWorkerDeps): Promise<void> {
  const { port, signal, top, prefix, dir, plan, chunkFiles, ahead, keepBytes } = data;
  const kit = deps.makeBuildKit(plan, deps.crypto);
  const reader = deps.makeChunkReader(kit, deps, dir);
  class GitFailure extends Error {}

  const post = (message: ReadWorkerMessage) => {
    port.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };

  try {
    let dirty: Set<string> | undefined;
    let dirtyList: string[] = [];
    let statusFailure: unknown;
    const scope = prefix === '' ? '.' : prefix;
    const status = new Promise<void>((resolve) => {
      const args = ['-c', 'core.untrackedCache=true', 'status', '--porcelain', '-z', '--untracked-files=all', '--no-renames', '--', scope];
      deps.childProcess.execFile('git', args, { cwd: top, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) statusFailure = new GitFailure(`git ${args[0]} failed: ${String(stderr).trim() || error.message}`);
        else {
          for (const entry of String(stdout).split('\0')) {
            if (entry.length < 4) continue;
            const p = entry.slice(3);
            if (prefix === '') dirtyList.push(p);
            else if (p.startsWith(`${prefix}/`)) dirtyList.push(p.slice(prefix.length + 1));
          }
          dirtyList = dirtyList.sort();
          dirty = new Set(dirtyList);
          post({ status: dirtyList });
        }
        resolve();
      });
    });
    const fail = () => {
      if (statusFailure !== undefined) throw statusFailure;
    };
    const settle = () => {
      if (dirty === undefined || reader.keptBytes === 0) return;
      const fixes = reader.settle(dirty);
      if (fixes.length) post({ fixes });
    };

    const { listing } = await new Promise<{ listing: string }>((resolve) => port.once('message', resolve));
    const { paths, blobs } = kit.orderListing(listing, prefix);
    const chunks = Math.ceil(paths.length / chunkFiles);
    // Batch `c` is posted: wait while the main thread is `ahead` batches behind (new files' batches
    // count on after the chunks).
    const pace = (c: number) => {
      while (c - Atomics.load(signal, 1) > ahead) Atomics.wait(signal, 1, Atomics.load(signal, 1), 100);
    };
    for (;;) {
      if (reader.keptBytes > keepBytes) await status;
      fail();
      const c = Atomics.add(signal, 3, 1);
      if (c >= chunks) break;
      post({ chunk: c, rows: reader.read(paths, blobs, c * chunkFiles, Math.min(paths.length, (c + 1) * chunkFiles), dirty) });
      // Lets git's answer in.
      await new Promise((resolve) => setImmediate(resolve));
      settle();
      pace(c);
    }
    await status;
    fail();
    settle();
    const tracked = new Set(paths);
    const fresh = kit.order(dirtyList.filter((p) => !tracked.has(p)));
    for (let i = 0, c = chunks; i < fresh.length; i += chunkFiles, c++) {
      post({ tail: reader.read(fresh, undefined, i, Math.min(fresh.length, i + chunkFiles), dirty) });
      pace(c);
    }
    post({ done: true });
  } catch (e) {
    post({ error: { message: e instanceof Error ? e.message : String(e), git: e instanceof GitFailure } });
  }
}

export const READ_WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const makeBuildKit = ${makeBuildKit.toString()};
const makeChunkReader = ${makeChunkReader.toString()};
const readWorkerMain = ${readWorkerMain.toString()};
process.on('exit', () => { Atomics.store(workerData.signal, 2, 1); Atomics.notify(workerData.signal, 0); });
readWorkerMain(workerData, { fs: require('node:fs'), path: require('node:path'), crypto: require('node:crypto'), childProcess: require('node:child_process'), makeBuildKit, makeChunkReader });
`;
