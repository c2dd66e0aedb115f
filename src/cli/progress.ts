import type { Progress } from '../core/progress.js';
import type { CliContext } from './context.js';

/** At most this many redraws a second: a fast loop must not spend its time drawing. */
const INTERVAL_MS = 100;

export interface ProgressLine {
  report: Progress;
  /** Clear the line (the command's own output follows). */
  end(): void;
}

/**
 * A one-line progress report (count, rate, ETA) on stderr, drawn only for people: never in CI
 * (CI set), never when stderr is not a terminal (a pipe, a file), never with machine output.
 * Undefined when nothing is to be drawn, so callers pass no callback at all.
 */
export function progressLine(c: CliContext, format: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine | undefined {
  if (format !== 'text' || !stream.isTTY || c.env.CI) return undefined;
  let start = Date.now();
  let last = 0;
  let drawn = false;
  let phase: string | undefined;
  const report: Progress = (what, done, total) => {
    const now = Date.now();
    // A new phase (indexing, then generating) has its own rate: count from its start, and show it at once.
    if (what !== phase) {
      phase = what;
      start = now;
      last = 0;
    }
    if (now - last < INTERVAL_MS && done !== total) return;
    last = now;
    drawn = true;
    // Kept within one line, so \r goes back to its start; a terminal of unknown width (0) is not cut.
    const text = progressText(what, done, total, (now - start) / 1000);
    const width = stream.columns || 0;
    stream.write(`\r\x1b[K${width > 1 ? text.slice(0, width - 1) : text}`);
  };
  return {
    report,
    end: () => {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}

/** "loading objects 1,200/50,000 (2%) · 1,150/s · ETA 42s": pure, for tests. */
export function progressText(what: string, done: number, total: number | undefined, seconds: number): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const rate = seconds > 0 ? done / seconds : 0;
  let out = `${what} ${n(done)}${total !== undefined ? `/${n(total)} (${total ? Math.floor((done / total) * 100) : 100}%)` : ''}`;
  if (rate > 0) out += ` · ${n(Math.round(rate))}/s`;
  if (total !== undefined && rate > 0 && done < total) out += ` · ETA ${duration((total - done) / rate)}`;
  return out;
}

function duration(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
