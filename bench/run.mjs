#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in name order. Each exports `run(log)` and prints its
// own figures and ratios. Benchmarks measure; they never fail on a number (machines here are noisy).
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const f of files) {
  console.log(`\n== ${f.replace('.bench.mjs', '')} ==`);
  const mod = await import(join(here, f));
  await mod.run((line) => console.log(line));
}
