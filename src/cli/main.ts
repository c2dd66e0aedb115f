// The entry point. git status is started before the rest of svc is even loaded (see
// ./early-status.ts); only then is the program imported, which takes as long as git does.
import { startEarlyStatus, type EarlyStatus } from './early-status.js';

let cwd: string;
try {
  cwd = process.cwd();
} catch {
  // Deleted under the shell: nothing relative to it can be resolved.
  process.stderr.write('error[cli/no-cwd]: the current folder no longer exists\n  hint: cd to a folder that exists and run svc again\n');
  process.exit(2);
}
let early: EarlyStatus | undefined;
try {
  early = startEarlyStatus(process.argv.slice(2), cwd);
} catch {
  // Only a head start: without it, the refresh asks git itself.
  early = undefined;
}
const { main } = await import('./program.js');
await main(early);
