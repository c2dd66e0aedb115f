/**
 * How far long work has got (objects loaded, targets generated), told to whoever asked: the CLI
 * draws it on a terminal. The core never prints; it calls this, often, and the caller throttles.
 * `total` is undefined when the end is not known yet.
 */
export type Progress = (what: string, done: number, total?: number) => void;
