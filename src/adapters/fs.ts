import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { naming } from './env-errors.js';
import type { FileHost } from '../core/host.js';
import { readTexts } from './read-many.js';

/**
 * The largest input file svc reads (schemas, products, object files to load, .orchestrator.yml):
 * 8 MB, or SVC_MAX_INPUT_MB. Far above any real schema (Otter-net's largest is 12 KB); a bigger one
 * is a mistake or an attack, and would cost seconds to minutes and gigabytes to parse.
 */
export function maxInputBytes(env: NodeJS.ProcessEnv = process.env): number {
  const mb = Number(env.SVC_MAX_INPUT_MB);
  return (Number.isFinite(mb) && mb > 0 ? mb : 8) * 1024 * 1024;
}

/** Read an input file, refusing one over maxInputBytes before reading it. */
export function readInputText(path: string): string {
  const size = statSync(path).size;
  const max = maxInputBytes();
  if (size > max) {
    throw new UsageError('input/too-large', `${path} is ${(size / 1024 / 1024).toFixed(1)} MB: svc reads input files up to ${max / 1024 / 1024} MB`, {
      hint: 'split it into several files (every command takes a folder), or raise the limit with SVC_MAX_INPUT_MB if the file is meant to be this big',
    });
  }
  return readFileSync(path, 'utf8');
}

export const nodeFileHost: FileHost = {
  readText: (path) => readInputText(path),
  readTexts: (paths) => readTexts(paths),
  exists: (path) => existsSync(path),
  isDirectory: (path) => {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
  listFiles: (dir, exts) => {
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.name.startsWith('.')) continue;
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
      }
    };
    walk(dir);
    return out.sort();
  },
};

/**
 * Write a file so that a reader (or a crash) never sees half of it: write a temporary sibling,
 * flush it, then rename over the target (atomic on POSIX file systems).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  naming(path, () => {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
  try {
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}
