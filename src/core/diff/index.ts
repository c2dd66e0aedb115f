/** The semantic diff: file changes → Diff (./compute.ts) → text, markdown or JSON. Pure throughout. */
export { semanticDiff } from './compute.js';
export type * from './model.js';
export { isEmptyDiff } from './model.js';
export { renderText, noColours, type Colours, type TextOptions } from './text.js';
export { renderMarkdown, GITHUB_BODY_LIMIT, type MarkdownOptions } from './markdown.js';
export { renderJson, diffToJson, DIFF_JSON_FORMAT, type DiffJsonMeta, type RevisionJson } from './json.js';
export type { DiffRange } from './phrases.js';
export { BOOKKEEPING_KINDS } from './order.js';
export { diffGraph, neighbourhoodGraph, renderMermaid, cutNodes, MERMAID_MAX_NODES, type Graph, type GraphNode, type GraphEdge, type MermaidOptions, type Neighbourhood } from './mermaid.js';
