import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload, type SourceMapping } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { callSiteOf } from '../../core/generate/call-site.js';

/**
 * Maps an error thrown inside a generator back to the line of the generator's own source. Node 20
 * maps stacks only with --enable-source-maps (svc does not start with it) or after a global
 * process.setSourceMapsEnabled(true); rather than change the process for everyone, svc reads the
 * inline map of the compiled file itself with node:module's SourceMap. Frames that something else
 * has already mapped (a runtime with source maps on) are recognised as they are.
 */
export interface GeneratorFiles {
  file: string;
  displayPath: string;
  catalogRoot: string;
  cacheFile: string;
}

export interface ErrorLocation {
  /** As the user names it: relative to the catalog root when inside it. */
  file: string;
  line: number;
  column: number;
}

interface Frame {
  path: string;
  line: number;
  column: number;
}

const MAP_MARKER = '//# sourceMappingURL=data:application/json;base64,';
const maps = new Map<string, { map: SourceMap; sources: Set<string> } | undefined>();

function mapOf(cacheFile: string): { map: SourceMap; sources: Set<string> } | undefined {
  if (maps.has(cacheFile)) return maps.get(cacheFile);
  let found: { map: SourceMap; sources: Set<string> } | undefined;
  try {
    const text = readFileSync(cacheFile, 'utf8');
    const at = text.lastIndexOf(MAP_MARKER);
    if (at >= 0) {
      const payload = JSON.parse(Buffer.from(text.slice(at + MAP_MARKER.length).trim(), 'base64').toString('utf8')) as SourceMapPayload;
      const sources = new Set(payload.sources.map((s) => absoluteSource(cacheFile, s)));
      found = { map: new SourceMap(payload), sources };
    }
  } catch {
    found = undefined;
  }
  maps.set(cacheFile, found);
  return found;
}

/** The map's `sources` are relative to the compiled file (esbuild writes them so). */
function absoluteSource(cacheFile: string, source: string): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  return isAbsolute(source) ? source : resolve(dirname(cacheFile), source);
}

function frames(stack: string | undefined): Frame[] {
  const out: Frame[] = [];
  for (const line of (stack ?? '').split('\n')) {
    if (!line.trimStart().startsWith('at ')) continue;
    const m = /\(?((?:file:\/\/)?\/[^()]*?):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const path = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    out.push({ path, line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}

const display = (root: string, file: string): string => {
  const r = resolve(file);
  return r.startsWith(root + '/') ? r.slice(root.length + 1) : r;
};

/** The innermost stack frame in the generator's own sources (its file and what it imports relatively). */
export function locateError(err: unknown, gen: GeneratorFiles): ErrorLocation | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  const m = mapOf(gen.cacheFile);
  // The error's own frames first (the exact line that threw), then where the sdk call that threw began.
  for (const f of [...frames(stack), ...frames(callSiteOf(err))]) {
    if (f.path === gen.cacheFile && m) {
      const entry = m.map.findEntry(f.line - 1, f.column - 1);
      if (!('originalSource' in entry)) continue;
      const e = entry as SourceMapping;
      const source = absoluteSource(gen.cacheFile, e.originalSource);
      return { file: display(gen.catalogRoot, source), line: e.originalLine + 1, column: e.originalColumn + 1 };
    }
    if (f.path === gen.file || m?.sources.has(f.path)) return { file: display(gen.catalogRoot, f.path), line: f.line, column: f.column };
  }
  return undefined;
}
