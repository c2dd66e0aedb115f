/**
 * HTML built from strings: every interpolated value is escaped unless it is itself an `Html` made
 * here, so nothing typed in a browser (or read from the inventory) is ever markup.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function text(p: Part): string {
  if (p === null || p === undefined || p === false) return '';
  if (p instanceof Html) return p.text;
  if (Array.isArray(p)) return p.map(text).join('');
  return escape(String(p));
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((p, i) => {
    out += text(p) + strings[i + 1]!;
  });
  return new Html(out);
}

const STYLE = `
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#0b3d5c;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
header a{color:#fff}
header strong{font-size:1.1rem;margin-right:1rem}
main{max-width:60rem;margin:0 auto;padding:1rem}
a{color:#0a58ca}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f5a524;outline-offset:2px}
.card{background:#fff;border:1px solid #d7dce1;border-radius:6px;padding:1rem;margin:0 0 1rem}
.card h2{margin-top:0}
label{display:block;font-weight:600;margin-top:1rem}
.help{color:#4b5563;font-size:.9rem;margin:.1rem 0 .3rem}
input,select,textarea{font:inherit;width:100%;max-width:32rem;padding:.45rem;border:1px solid #8a94a0;border-radius:4px;background:#fff}
input[type=checkbox]{width:auto}
[aria-invalid=true]{border-color:#b42318;border-width:2px}
.error{color:#b42318;font-weight:600}
.errors{border-left:4px solid #b42318;background:#fff5f5;padding:.5rem 1rem;margin-bottom:1rem}
.ok{border-left:4px solid #1a7f37;background:#f0fff4;padding:.5rem 1rem;margin-bottom:1rem}
.actions{margin-top:1.5rem;display:flex;gap:.75rem;flex-wrap:wrap}
button{font:inherit;padding:.55rem 1.2rem;border-radius:4px;border:1px solid #0b3d5c;background:#0b3d5c;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b3d5c}
pre{background:#0f172a;color:#e2e8f0;padding:1rem;border-radius:6px;overflow-x:auto;font-size:.85rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #e2e6ea;vertical-align:top}
.table{overflow-x:auto}
.state-open{color:#1a7f37}.state-merged{color:#0a58ca}.state-abandoned{color:#9a6700}
meter{width:8rem}
nav.filters a{margin-right:.75rem}
`;

/** The page around every view; `title` is also the one h1. */
export function page(title: string, body: Html, catalogName: string): string {
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · svc</title><style>${new Html(STYLE)}</style></head>
<body><header><strong>svc · ${catalogName}</strong><nav aria-label="main"><a href="/">Products</a> · <a href="/requests">Requests</a> · <a href="/pools">Pools</a></nav></header>
<main><h1>${title}</h1>${body}</main></body></html>`.text}`;
}
