/**
 * JSON.parse keeps the last of two equal keys without a word, so a hand-edited object file could say
 * two things and be read as one of them (`svc diff` then saw no change). Object files are checked
 * for repeated keys, at any depth.
 */

export interface DuplicateKey {
  key: string;
  /** Where its second occurrence is written, 1-based. */
  line: number;
  column: number;
}

/**
 * The first key written twice in one JSON object of `text` (already known to parse as `parsed`);
 * undefined when there is none. Linear: a count of `"…":` patterns against the keys JSON.parse kept
 * settles almost every file without a scan. The count can only exceed the true number of keys (a
 * string value may hold `":`), never fall short of it, so equal counts prove there is no repeat.
 */
export function findDuplicateKey(text: string, parsed: unknown): DuplicateKey | undefined {
  let written = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) {
    let j = i + 1;
    while (j < text.length && (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t')) j++;
    if (text[j] === ':') written++;
  }
  if (written === keysOf(parsed)) return undefined;
  return scan(text);
}

function keysOf(v: unknown): number {
  if (typeof v !== 'object' || v === null) return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) n += keysOf(x);
    return n;
  }
  for (const k in v as Record<string, unknown>) n += 1 + keysOf((v as Record<string, unknown>)[k]);
  return n;
}

/** A full tokenising pass over valid JSON: each object's keys in a set. */
function scan(text: string): DuplicateKey | undefined {
  const stack: (Set<string> | null)[] = [];
  // The last structural character: a string right after `{` or `,` inside an object is a key.
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (top && (last === '{' || last === ',')) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.has(key)) return { key, ...positionAt(text, start) };
        top.add(key);
      }
      last = '"';
    } else if (ch === '{') {
      stack.push(new Set());
      last = ch;
    } else if (ch === '[') {
      stack.push(null);
      last = ch;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      last = ch;
    } else if (ch === ',' || ch === ':') {
      last = ch;
    }
  }
  return undefined;
}

function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
