import type { ChalkInstance } from 'chalk';
import type { SchemaSet } from '../../core/schema/model.js';

export type DiffFormat = 'text' | 'markdown' | 'json';

export interface FileChangeText {
  path: string;
  before: string | null;
  after: string | null;
}

/** The reviewer's view of a request's files: file-level until the semantic diff is wired in. */
export function renderRequestDiff(files: FileChangeText[], _schema: SchemaSet, format: DiffFormat, c: ChalkInstance): string {
  const rows = files.map((f) => ({ path: f.path, change: f.before === null ? 'added' : f.after === null ? 'removed' : 'changed' }));
  if (format === 'json') return JSON.stringify({ files: rows });
  if (format === 'markdown') return rows.map((r) => `- ${r.change} \`${r.path}\``).join('\n') + '\n';
  return rows.map((r) => `  ${r.change === 'added' ? c.green('+') : r.change === 'removed' ? c.red('-') : c.yellow('~')} ${r.path}`).join('\n') + '\n';
}
