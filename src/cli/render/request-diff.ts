import type { ChalkInstance } from 'chalk';
import { diffToJson, GITHUB_BODY_LIMIT, renderMarkdown, renderText, semanticDiff, type DiffRange } from '../../core/diff/index.js';
import type { SchemaSet } from '../../core/schema/model.js';

export type DiffFormat = 'text' | 'markdown' | 'json';

export interface FileChangeText {
  path: string;
  before: string | null;
  after: string | null;
}

/**
 * The reviewer's view of what a request commits: the same semantic diff `svc diff` shows, computed
 * from the texts the request wrote (no git needed). Markdown is cut to fit a pull request body.
 */
export function renderRequestDiff(files: FileChangeText[], schema: SchemaSet, format: DiffFormat, c: ChalkInstance, extra: { labels?: Record<string, string>; range?: DiffRange } = {}): string {
  const labels = extra.labels ?? {};
  const diff = semanticDiff(schema, files, { labelOf: (id) => labels[id] });
  const range = extra.range ? { range: extra.range } : {};
  if (format === 'json') return JSON.stringify(diffToJson(diff));
  if (format === 'markdown') return renderMarkdown(diff, { ...range, maxLength: GITHUB_BODY_LIMIT });
  return renderText(diff, { colours: c, ...range });
}
