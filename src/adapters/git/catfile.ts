import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError, UsageError } from '../../core/errors.js';

export interface CatFileObject {
  id: string;
  type: string;
  body: Buffer;
}

interface Pending {
  spec: string;
  resolve: (o: CatFileObject | null) => void;
  reject: (e: Error) => void;
}

/**
 * One long-lived `git cat-file --batch` serving any number of reads (`<rev>:<path>`, ids, refs):
 * one process for a thousand blobs instead of a thousand processes. Requests are pipelined; answers
 * come back in order. Always close() it (a `finally`), or the process outlives the command.
 */
export class CatFile {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  /** Chunks not yet joined to `buf`: a large blob is joined once, not once per 64 KB chunk. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  /** Bytes `buf` must hold before the head of the queue can be answered. */
  private need = 0;
  private failed: Error | undefined;

  constructor(repo: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    this.child.stdout.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.chunkBytes += b.length;
      if (this.buf.length + this.chunkBytes < this.need) return;
      this.buf = Buffer.concat([this.buf, ...this.chunks]);
      this.chunks = [];
      this.chunkBytes = 0;
      this.drain();
    });
    this.child.stdin.on('error', () => undefined);
    const fail = (e: Error) => {
      this.failed = e;
      for (const p of this.queue.splice(0)) p.reject(e);
    };
    this.child.on('error', (e) => fail(new GitError(`could not run git cat-file: ${e.message}`, { cause: e })));
    this.child.on('close', (code) => {
      if (this.queue.length) fail(new GitError(`git cat-file stopped (exit ${code}): ${stderr.trim()}`));
    });
  }

  /** The object named by `spec`, or null when it does not exist. */
  read(spec: string): Promise<CatFileObject | null> {
    if (/[\n\r]/.test(spec)) return Promise.reject(new UsageError('git/bad-path', `a path with a line break cannot be read: ${JSON.stringify(spec)}`));
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.queue.push({ spec, resolve, reject });
      this.child.stdin.write(`${spec}\n`);
    });
  }

  /** Read many in one pipelined batch; the map keeps `specs`' order. */
  async readMany(specs: readonly string[]): Promise<Map<string, CatFileObject | null>> {
    const got = await Promise.all(specs.map((s) => this.read(s)));
    return new Map(specs.map((s, i) => [s, got[i] ?? null]));
  }

  close(): void {
    this.child.stdin.end();
  }

  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) return;
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) return;
      const line = this.buf.toString('utf8', 0, nl);
      if (line.endsWith(' missing') || line.endsWith(' ambiguous')) {
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift();
        head.resolve(null);
        continue;
      }
      const [id, type, sizeText] = line.split(' ');
      const size = Number(sizeText);
      // Header, body, then one newline.
      if (this.buf.length < nl + 1 + size + 1) {
        this.need = nl + 1 + size + 1;
        return;
      }
      this.need = 0;
      const body = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      this.queue.shift();
      head.resolve({ id: id ?? '', type: type ?? '', body });
    }
  }
}

/** Open a reader, run `fn`, and always close it. */
export async function withCatFile<T>(repo: string, fn: (cf: CatFile) => Promise<T>): Promise<T> {
  const cf = new CatFile(repo);
  try {
    return await fn(cf);
  } finally {
    cf.close();
  }
}
