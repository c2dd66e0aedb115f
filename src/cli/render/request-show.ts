import type { ChalkInstance } from 'chalk';
import type { RequestDetail } from '../../app/request-show.js';
import { renderArtifactsText } from '../../core/diff/artifacts.js';
import { diffToJson, GITHUB_BODY_LIMIT, renderMarkdown, renderText } from '../../core/diff/index.js';
import { jsonDocument } from '../json.js';

/**
 * `svc request show`. JSON (stable: add keys, never rename): the fields of `svc request list`,
 * `ref`, `parent`, and `diff` exactly as `svc diff --format json` gives it (docs/diff-json.md),
 * artifacts included: a request's commit carries the artifact files it re-rendered.
 * Markdown is the pull request body `svc request create --format markdown` printed, cut to fit.
 */
export function renderRequestDetail(r: RequestDetail, format: 'text' | 'json' | 'markdown', col: ChalkInstance): string {
  const { diff, base, head, artifacts } = r.diff;
  if (format === 'json') {
    const { diff: _d, ...rest } = r;
    return jsonDocument({ ...rest, diff: { ...(diffToJson(diff, { base, head }) as Record<string, unknown>), artifacts } });
  }
  const range = { base: base.commit.slice(0, 12), head: r.branch || r.ref };
  if (format === 'markdown') return renderMarkdown(diff, { range, maxLength: GITHUB_BODY_LIMIT });
  const state = r.state === 'open' ? col.green(r.state) : r.state === 'merged' ? col.cyan(r.state) : col.yellow(r.state);
  const where = r.branch ? `branch ${col.cyan(r.branch)}` : `kept as ${r.ref}`;
  return `request ${col.bold(r.requestId)} (${state}): ${r.action} ${r.product} ${col.bold(r.subscription)} for ${r.customer}\n  ${where} at ${r.commit.slice(0, 12)}, made on ${r.parent.slice(0, 12)}\n\n${renderText(diff, { colours: col, range })}${renderArtifactsText(artifacts)}`;
}
