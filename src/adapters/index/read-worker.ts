import type * as ChildProcess from 'node:child_process';
import type { MessagePort } from 'node:worker_threads';
import { makeBuildKit, makeChunkReader, type BuildPlan, type Listing, type ReaderDeps, type Records } from './build-kit.js';

/**
 * The second thread of a full build of a big inventory (see ./sources.ts). The tracked files, in
 * build order, are cut into chunks; this thread and the main thread both take the next chunk from a
 * shared counter, read and decode it (./build-kit.ts). This thread posts its chunks; the main thread
 * inserts every chunk in order and, when it has nothing to insert, takes a chunk itself rather than
 * wait. So on two cores reading and decoding are shared by both threads, and the work balances
 * whatever the speed of each.
 *
 * It also asks git, meanwhile, what the listing of git's index cannot tell: the new (untracked)
 * files, and the files whose staged content is not HEAD's. After the last chunk it reads the new
 * files. (A changed file the index still lists shows itself by its hash, see ChunkReader.)
 *
 * It runs as an `eval` worker: the test runner compiles TypeScript on the fly, so there is no
 * JavaScript file to start a worker from. readWorkerMain and the kit are therefore sent as source
 * text; like makeBuildKit, readWorkerMain refers to nothing outside its body and gets Node's modules
 * as arguments. It mirrors two calls of ./gitstate.ts (untrackedPaths, stagedPaths); a test builds
 * the same repository in one thread and in two and compares the indexes.
 *
 * Protocol, over `port`: the main thread posts `{ listing }` (a Listing: its memory is shared, not
 * copied). This thread posts, read by the main thread synchronously with receiveMessageOnPort:
 * `{ chunk, rows, changed }` (`changed`: the chunk's listed paths that are missing or differ from
 * git's index); after all chunks, `{ tail: rows }` (new files) and `{ done: { untracked, staged } }`
 * (`staged` null when HEAD has no tree for the folder); or `{ error: { message, git } }` at any
 * point. `signal[0]` counts posted messages (the main thread waits on it), `signal[1]` is the number
 * of chunks and tail batches the main thread has inserted (this thread waits when it is `ahead` of
 * it, so memory stays bounded), `signal[2]` is set when this thread ends, `signal[3]` is the next
 * chunk to take.
 */
export interface ReadWorkerData {
  port: MessagePort;
  signal: Int32Array;
  top: string;
  prefix: string;
  dir: string;
  /** The inventory folder's tree at HEAD ('' when HEAD has none: then every listed file is staged). */
  head: string;
  plan: BuildPlan;
  chunkFiles: number;
  ahead: number;
}

export type ReadWorkerMessage =
  | { chunk: number; rows: Records; changed: string[] }
  | { tail: Records }
  | { done: { untracked: string[]; staged: string[] | null } }
  | { error: { message: string; git: boolean } };

export interface ReadWorkerDeps extends ReaderDeps {
  childProcess: typeof ChildProcess;
  makeBuildKit: typeof makeBuildKit;
  makeChunkReader: typeof makeChunkReader;
}

export async function readWorkerMain(data: ReadWorkerData, deps: ReadWorkerDeps): Promise<void> {
  const { port, signal, top, prefix, dir, head, plan, chunkFiles, ahead } = data;
  const kit = deps.makeBuildKit(plan, deps.crypto);
  const reader = deps.makeChunkReader(kit, deps, dir);
  class GitFailure extends Error {}

  const post = (message: ReadWorkerMessage) => {
    port.postMessage(message);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };

  // Paths under the inventory folder that git lists (NUL-separated, relative to the repository).
  const ask = (args: string[]) => {
    const answer = new Promise<string[]>((resolve, reject) => {
      deps.childProcess.execFile('git', args, { cwd: top, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) return reject(new GitFailure(`git ${args[0]} failed: ${String(stderr).trim() || error.message}`));
        const out: string[] = [];
        for (const p of String(stdout).split('\0')) {
          if (p === '') continue;
          if (prefix === '') out.push(p);
          else if (p.startsWith(`${prefix}/`)) out.push(p.slice(prefix.length + 1));
        }
        resolve(out.sort());
      });
    });
    // Awaited later; a failure must not count as unhandled meanwhile.
    answer.catch(() => undefined);
    return answer;
  };

  try {
    const scope = prefix === '' ? '.' : prefix;
    const untracked = ask(['ls-files', '--others', '--exclude-standard', '-z', '--', scope]);
    const staged = head === '' ? Promise.resolve(null) : ask(['diff-index', '--cached', '--name-only', '-z', '--no-renames', 'HEAD', '--', scope]);

    const { listing } = await new Promise<{ listing: Listing }>((resolve) => port.once('message', resolve));
    const chunks = Math.ceil(listing.count / chunkFiles);
    // Batch `c` is posted: wait while the main thread is `ahead` batches behind (new files' batches
    // count on after the chunks).
    const pace = (c: number) => {
      while (c - Atomics.load(signal, 1) > ahead) Atomics.wait(signal, 1, Atomics.load(signal, 1), 100);
    };
    for (;;) {
      const c = Atomics.add(signal, 3, 1);
      if (c >= chunks) break;
      const changed: string[] = [];
      post({ chunk: c, rows: reader.readListed(listing, c * chunkFiles, Math.min(listing.count, (c + 1) * chunkFiles), changed), changed });
      // Lets git's answers in (a full pipe would stop git).
      await new Promise((resolve) => setImmediate(resolve));
      pace(c);
    }
    const fresh = kit.order(await untracked);
    for (let i = 0, c = chunks; i < fresh.length; i += chunkFiles, c++) {
      post({ tail: reader.read(fresh, i, Math.min(fresh.length, i + chunkFiles)) });
      pace(c);
    }
    post({ done: { untracked: await untracked, staged: await staged } });
  } catch (e) {
    post({ error: { message: e instanceof Error ? e.message : String(e), git: e instanceof GitFailure } });
  }
}

/**
 * The worker's source. The exit hook comes first and the functions are compiled after it, so that
 * even a function that does not compile (a tool rewrote it) ends the thread with signal[2] set,
 * which the main thread sees at once, rather than after STALL_MS of silence.
 */
const FUNCTIONS = `(() => {
const makeBuildKit = ${makeBuildKit.toString()};
const makeChunkReader = ${makeChunkReader.toString()};
const readWorkerMain = ${readWorkerMain.toString()};
return { makeBuildKit, makeChunkReader, readWorkerMain };
})()`;

export const READ_WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
process.on('exit', () => { Atomics.store(workerData.signal, 2, 1); Atomics.notify(workerData.signal, 0); });
const { makeBuildKit, makeChunkReader, readWorkerMain } = require('node:vm').runInThisContext(${JSON.stringify(FUNCTIONS)}, { filename: 'svc-read-worker.js' });
readWorkerMain(workerData, { fs: require('node:fs'), path: require('node:path'), crypto: require('node:crypto'), buffer: require('node:buffer'), childProcess: require('node:child_process'), makeBuildKit, makeChunkReader });
`;
