import { spawn } from 'node:child_process';
import type { CliContext } from './context.js';

/**
 * Long output on a terminal goes through a pager, as git does: `$SVC_PAGER`, else `$PAGER`, else
 * `less`; `less` gets `LESS=FRX` when LESS is unset (quit if one screen, keep colours, leave the
 * text on screen). Never when the output is not a terminal; an empty pager or `cat` means none.
 */
export function pagerCommand(c: Pick<CliContext, 'env' | 'isTTY'>): string | undefined {
  if (!c.isTTY) return undefined;
  const cmd = (c.env.SVC_PAGER ?? c.env.PAGER ?? 'less').trim();
  return cmd === '' || cmd === 'cat' ? undefined : cmd;
}

/** Write `text` through the pager when there is one; straight out when there is none or it cannot start. */
export async function page(c: CliContext, text: string): Promise<void> {
  const cmd = pagerCommand(c);
  if (cmd === undefined) return c.out(text);
  const env = { ...c.env, LESS: c.env.LESS ?? 'FRX', LV: c.env.LV ?? '-c' };
  const ok = await new Promise<boolean>((resolve) => {
    const child = spawn(cmd, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env });
    child.on('error', () => resolve(false));
    child.on('close', () => resolve(true));
    // A pager quit early (q in less) closes its input: not an error.
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
  if (!ok) c.out(text);
}
