import type { Command } from 'commander';

/**
 * The Examples section of each command's --help (as gh prints them), by command path. Each line is
 * one the test suite runs against the Otter-net example, so they are known to work. Commands that
 * declare their own Examples next to their options (list, log, completion) are not listed here.
 */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  validate: ['svc validate', 'svc validate --strict --format github', 'svc validate --base origin/main'],
  show: ['svc show DcimDevice sw01-par01', 'svc show DcimInterfaceL2 sw01-par01 Ethernet1/1 --format json', 'svc show ProductDedicatedInternet dia-0001 --graph'],
  load: ['svc load bootstrap', 'svc load --dry-run bootstrap', 'svc load bootstrap --format json'],
  products: ['svc products', 'svc products --format json'],
  product: ['svc product show "dedicated internet"'],
  'product show': ['svc product show "dedicated internet"', 'svc product show port --format json'],
  schema: ['svc schema list', 'svc schema show DcimInterfaceL2', 'svc schema check schemas'],
  'schema check': ['svc schema check schemas', 'svc schema check schemas --format github'],
  'schema show': ['svc schema show DcimInterfaceL2', 'svc schema show IpamVLAN --format json'],
  'schema list': ['svc schema list'],
  'schema export': ['svc schema export', 'svc schema export --out json-schemas'],
  generate: ['svc generate', 'svc generate --dry-run --target dia-0001', 'svc generate --check            # in CI: exit 1 while the inventory lags'],
  diff: ['svc diff', 'svc diff main request/dia-0001 --format markdown', 'svc diff main request/dia-0001 --format mermaid'],
  request: ['svc request create "dedicated internet 1000" --customer acme --set site=par01 --set ip_package=small', 'svc request list --state open'],
  'request create': [
    'svc request create "dedicated internet 1000" --customer acme --set site=par01 --set ip_package=small',
    'svc request create "dedicated internet 1000" --customer acme --set site=par01 --set ip_package=small --dry-run',
    'svc request create "port 1000" --customer otter --set "node=node-0001 / node" --set port_name=et-0/0/1 --push --pr',
  ],
  'request modify': ['svc request modify node-0001 --set node_description=core', 'svc request modify node-0001 --set node_description=core --format json'],
  'request terminate': ['svc request terminate dia-0001', 'svc request terminate dia-0001 --dry-run'],
  'request rebase': ['svc request rebase dia-0002', 'svc request rebase dia-0002 --base main'],
  'request list': ['svc request list', 'svc request list --state open --format json'],
  'request show': ['svc request show dia-0001', 'svc request show dia-0001 --format markdown'],
  'request abandon': ['svc request abandon dia-0001'],
  demo: ['svc demo', 'svc demo --dir otter', 'svc demo --dir otter --format json'],
  pools: ['svc pools list', 'svc pools gc --dry-run'],
  'pools list': ['svc pools list', 'svc pools list --format json'],
  'pools gc': ['svc pools gc --dry-run', 'svc pools gc --grace 2d', 'svc pools gc --settle-only    # in CI on the default branch'],
  'pools show': ['svc pools show "Customer prefixes pool"', 'svc pools show "Customer vlan pool" --format json'],
  'pools reserve': ['svc pools reserve "Customer vlan pool" 1500 --for "lab switch"', 'svc pools reserve "Customer prefixes pool" --size /31 --for "link to par02"'],
  'pools release': ['svc pools release "Customer vlan pool" 1500'],
  init: ['svc init my-catalog', 'svc init my-catalog --from-infrahub ../my-infrahub-repo --format json'],
  query: ['svc query device_config --var device=sw01-par01', 'svc query device_config --var device=rt01-par01 --format yaml'],
  render: ['svc render', 'svc render --check', 'svc render --definition device_config --target sw01-par01'],
  serve: ['svc serve', 'svc serve --port 0', 'SVC_SERVE_TOKEN=$(openssl rand -hex 16) svc serve --host 0.0.0.0'],
};

/** Adds each command's Examples to its --help. */
export function addExamples(program: Command): void {
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const at = [...path, sub.name()];
      const lines = EXAMPLES[at.join(' ')];
      if (lines) sub.addHelpText('after', `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
      walk(sub, at);
    }
  };
  walk(program, []);
}
