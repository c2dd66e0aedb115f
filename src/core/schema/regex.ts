/**
 * Infrahub validates with Python's `re`; svc with JavaScript. The common dialect is the same; Python's
 * named groups `(?P<name>…)` / `(?P=name)` and a leading inline flag group `(?i)` are translated so
 * that schema files written for Infrahub compile here too.
 */
export function compileRegex(source: string): { ok: true; regex: RegExp } | { ok: false; error: string } {
  let body = source.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  let flags = 'u';
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  for (const attempt of [flags, flags.replace('u', '')]) {
    try {
      return { ok: true, regex: new RegExp(body, attempt) };
    } catch {
      /* try without the unicode flag: it rejects escapes Python accepts, like \- outside classes */
    }
  }
  try {
    new RegExp(body, flags.replace('u', ''));
  } catch (e) {
    return { ok: false, error: (e as Error).message.replace(/^Invalid regular expression: /, '') };
  }
  return { ok: false, error: 'unsupported syntax' };
}
