/** An artifact file's change as a unified diff (git's, without its `diff --git`/`index` header). */
export interface ArtifactPatch {
  /** Relative to the catalog root, forward slashes. */
  path: string;
  patch: string;
}

/** A patch longer than this many lines is folded in markdown. */
export const FOLD_LINES = 40;

/** Split `git diff` output into one patch per file, keyed by the file's path in the repository. */
export function splitPatches(text: string): { path: string; patch: string }[] {
  const out: { path: string; patch: string }[] = [];
  for (const chunk of text.split(/^diff --git /m).slice(1)) {
    const lines = chunk.split('\n');
    const start = lines.findIndex((l) => l.startsWith('--- '));
    if (start < 0) continue;
    const side = (l: string | undefined) => (l === undefined || l.endsWith('/dev/null') ? undefined : l.slice(4).replace(/^[ab]\//, '').replace(/\t$/, ''));
    const path = side(lines[start + 1]) ?? side(lines[start]);
    if (path === undefined) continue;
    out.push({ path, patch: lines.slice(start).join('\n').replace(/\n*$/, '\n') });
  }
  return out;
}

export function renderArtifactsText(patches: readonly ArtifactPatch[]): string {
  return patches.map((p) => `\n${p.patch}`).join('');
}

/** A fenced diff block per file, folded in <details> when long. */
export function renderArtifactsMarkdown(patches: readonly ArtifactPatch[]): string {
  if (patches.length === 0) return '';
  let out = `\n### Artifacts\n`;
  for (const p of patches) {
    const lines = p.patch.split('\n').length - 1;
    const block = `\`\`\`diff\n${p.patch}\`\`\`\n`;
    out += lines > FOLD_LINES ? `\n<details><summary><code>${p.path}</code> (${lines} lines)</summary>\n\n${block}\n</details>\n` : `\n\`${p.path}\`\n\n${block}`;
  }
  return out;
}
