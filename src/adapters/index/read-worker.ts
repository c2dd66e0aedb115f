/**
 * The code of the thread that feeds a full build of a big inventory (see ./sources.ts). It asks git
 * what HEAD holds and what is uncommitted (the two calls run at once), then reads every file and
 * posts the texts in batches, while the main thread decodes and inserts: on two cores, reading and
 * git no longer add to the build's time.
 *
 * It runs as an `eval` worker so that it needs no file of its own next to the compiled code (and
 * works the same under the test runner, which compiles TypeScript on the fly). It may therefore use
 * only Node's own modules, and it mirrors four small pieces of ./gitstate.ts and
 * ../inventory/files.ts: the `rev-parse`, `ls-tree` and `status` calls with their parsing, reading
 * a file (absent or a folder: no text), and git's blob id of a text. A test builds the same
 * repository both ways and compares the indexes.
 *
 * Protocol, over `port` (a MessagePort the main thread reads synchronously with
 * receiveMessageOnPort): first `{ head: { tree, dirty } }` (dirty: every path `git status` lists,
 * sorted); then batches in path order over the union of the tree's files and the dirty paths:
 * `{ files: { names, ends, bytes } }`, where `names` is "path\0blob\0path\0blob..." (blob '' when
 * the file is absent), `bytes` the files' contents back to back (an ArrayBuffer, moved, not copied)
 * and `ends[i]` where file i's bytes end (-1: absent). Texts travel as bytes because copying
 * strings between threads cost as much as reading them. Then `{ end: true }`; or
 * `{ error: { message, git } }` at any point. `signal[0]` counts posted messages (the main thread
 * waits on it), `signal[1]` the batches consumed (this thread waits when it is too far ahead, so
 * memory stays bounded), `signal[2]` is set when this thread ends.
 */
export const READ_WORKER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { execFile } = require('node:child_process');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { join } = require('node:path');
const { port, signal, top, prefix, dir, head, batchFiles, batchBytes, ahead } = workerData;

process.on('exit', () => { Atomics.store(signal, 2, 1); Atomics.notify(signal, 0); });

function post(message) {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

class GitFailure extends Error {}

function git(args, okCodes) {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: top, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(String(stdout));
      if (typeof error.code === 'number' && okCodes && okCodes.includes(error.code)) return resolve(String(stdout));
      reject(new GitFailure('git ' + args[0] + ' failed: ' + (String(stderr).trim() || error.message)));
    });
  });
}

function treeBlobs(text) {
  const out = new Map();
  for (const entry of text.split('\\0')) {
    if (!entry) continue;
    const tab = entry.indexOf('\\t');
    const head = entry.slice(0, tab).split(' ');
    if (head[1] === 'blob' && head[2]) out.set(entry.slice(tab + 1), head[2]);
  }
  return out;
}

function statusPaths(text) {
  const out = [];
  for (const entry of text.split('\\0')) {
    if (entry.length < 4) continue;
    const p = entry.slice(3);
    if (prefix === '') out.push(p);
    else if (p.startsWith(prefix + '/')) out.push(p.slice(prefix.length + 1));
  }
  return out.sort();
}

// The batch being filled: file contents back to back, grown when a file does not fit.
let bytes = Buffer.allocUnsafe(1 << 20);
let used = 0;

/** Appends the file's bytes to the batch; false when there is no such file. */
function readInto(path) {
  let fd;
  try {
    fd = openSync(join(dir, path), 'r');
    for (;;) {
      if (bytes.length - used < 65536) {
        const bigger = Buffer.allocUnsafe(bytes.length * 2);
        bytes.copy(bigger, 0, 0, used);
        bytes = bigger;
      }
      const room = bytes.length - used;
      const n = readSync(fd, bytes, used, room, null);
      used += n;
      // A regular file read short has reached its end: saves the second read that would return 0.
      if (n < room) return true;
    }
  } catch (e) {
    if (e.code === 'ENOENT' || e.code === 'EISDIR') return false;
    throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// As ../inventory/files.ts: the id of the text as read (invalid UTF-8 becomes U+FFFD first).
function blobId(start, end) {
  const buf = Buffer.from(bytes.toString('utf8', start, end), 'utf8');
  return createHash('sha1').update('blob ' + buf.length + '\\0').update(buf).digest('hex');
}

async function main() {
  const spec = prefix === '' ? 'HEAD^{tree}' : 'HEAD:' + prefix;
  const status = git(['-c', 'core.untrackedCache=true', 'status', '--porcelain', '-z', '--untracked-files=all', '--no-renames', '--', prefix === '' ? '.' : prefix]);
  // Observed now so that its failure is not an unhandled rejection while rev-parse runs.
  status.catch(() => undefined);
  // The main thread usually knows HEAD's tree already (see gitView).
  const tree = typeof head === 'string' ? head : (await git(['rev-parse', '--verify', '-q', spec], [1, 128])).trim();
  const listing = tree === '' ? Promise.resolve('') : git(['ls-tree', '-r', '-z', tree]);
  const [statusText, treeText] = await Promise.all([status, listing]);
  const blobs = treeBlobs(treeText);
  const dirty = statusPaths(statusText);
  post({ head: { tree, dirty } });
  const dirtySet = new Set(dirty);
  const paths = [...new Set([...blobs.keys(), ...dirty])].sort();
  let names = [];
  let ends = [];
  let batches = 0;
  const flush = () => {
    const out = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + used);
    const endsArray = Int32Array.from(ends);
    port.postMessage({ files: { names: names.join('\\0'), ends: endsArray, bytes: out } }, [out, endsArray.buffer]);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
    names = [];
    ends = [];
    used = 0;
    batches++;
    while (batches - Atomics.load(signal, 1) > ahead) Atomics.wait(signal, 1, Atomics.load(signal, 1), 100);
  };
  for (const p of paths) {
    const start = used;
    if (readInto(p)) {
      names.push(p, (dirtySet.has(p) ? undefined : blobs.get(p)) || blobId(start, used));
      ends.push(used);
    } else {
      names.push(p, '');
      ends.push(-1);
    }
    if (ends.length >= batchFiles || used >= batchBytes) flush();
  }
  if (ends.length) flush();
  post({ end: true });
}

main().catch((e) => post({ error: { message: e && e.message ? e.message : String(e), git: e instanceof GitFailure } }));
`;
