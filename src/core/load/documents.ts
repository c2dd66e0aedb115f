import { parseYaml, YAML11, type YamlSource } from '../yaml/source.js';

/**
 * Object files may hold several YAML documents separated by `---`. Each document is parsed on its own
 * with parseYaml so that it keeps exact positions: the text before it is kept as blank lines, which
 * makes the line numbers those of the whole file without a second position scheme.
 */
export function parseYamlDocuments(text: string, file: string): YamlSource[] {
  const lines = text.split('\n');
  const starts: number[] = [0];
  lines.forEach((line, i) => {
    if (i > 0 && /^---(\s|$)/.test(line)) starts.push(i);
  });
  const out: YamlSource[] = [];
  starts.forEach((start, n) => {
    const end = starts[n + 1] ?? lines.length;
    const body = lines.slice(start, end);
    // The marker line itself becomes blank: the document body starts on the next line either way.
    if (body[0] !== undefined && /^---(\s|$)/.test(body[0])) body[0] = '';
    if (body.every((l) => l.trim() === '' || l.trimStart().startsWith('#'))) return;
    out.push(parseYaml('\n'.repeat(start) + body.join('\n'), file, YAML11));
  });
  return out;
}
