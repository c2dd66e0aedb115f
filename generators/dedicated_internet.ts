/**
 * Otter-net's Dedicated Internet generator: turns one subscription into its implementation.
 *
 *   VLAN      a number from the customer VLAN pool
 *   prefix    from the customer prefix pool, sized by the IP package (small /29, medium /28, large /27)
 *   port      a free customer port on the least used core switch at the site: access mode, the VLAN
 *             untagged, the bandwidth as its speed
 *   gateway   an L3 interface on the edge router paired with that switch, holding the prefix's first host
 *   service   a ServiceDedicatedInternet object tying it all together for the network model
 *
 * Everything is keyed by the subscription, so running it again changes nothing, and what it stops
 * producing (a smaller prefix after a package change, everything after termination) is removed or
 * given back by svc. Types come from svc/sdk and are erased: the catalog installs nothing.
 */
import type { GeneratorSdk, SvcObject } from 'svc/sdk';

const PREFIX_LENGTH: Record<string, number> = { small: 29, medium: 28, large: 27 };

export default async function generate(sdk: GeneratorSdk): Promise<void> {
  const sub = sdk.target;
  const serviceId = String(sub.attributes.subscription_id ?? sub.id);
  const block = await sdk.peer(sub, 'dedicated_internet');
  if (!block) throw new Error(`subscription ${serviceId} has no dedicated_internet block`);
  const site = await sdk.peer(block, 'site');
  if (!site) throw new Error(`subscription ${serviceId} names no site`);
  const ipPackage = String(block.attributes.ip_package);
  const length = PREFIX_LENGTH[ipPackage];
  if (length === undefined) throw new Error(`unknown IP package "${ipPackage}"`);
  const bandwidth = Number(sub.attributes.bandwidth);
  const label = `service ${serviceId}`;

  const vlanId = await sdk.allocateNumber(String(sdk.parameters.vlan_pool), 'vlan');
  const vlan = await sdk.upsert('IpamVLAN', {
    attributes: { name: `vlan__${serviceId}`, vlan_id: vlanId, status: 'active', role: 'customer', description: `VLAN of ${label}` },
    relationships: { l2domain: { kind: 'IpamL2Domain', hfid: String(sdk.parameters.l2_domain) } },
  });
  sdk.log.info(`VLAN ${vlanId}`);

  const prefixText = await sdk.allocatePrefix(String(sdk.parameters.prefix_pool), 'prefix', { length });
  const namespace = { kind: 'IpamNamespace', hfid: String(sdk.parameters.namespace) };
  const prefix = await sdk.upsert('IpamPrefix', {
    attributes: { prefix: prefixText, status: 'active', role: 'customer', description: `Prefix of ${label}` },
    relationships: { ip_namespace: namespace, vlan },
  });
  sdk.log.info(`prefix ${prefixText}`);

  const existing = await sdk.getByHfid('ServiceDedicatedInternet', serviceId);
  const { port, switchIndex } = await claimPort(sdk, site, existing?.id);
  sdk.log.info(`port ${String(port.attributes.name)}`);

  const router = (await sdk.list('DcimDevice', { attributes: { role: 'edge', index: switchIndex }, relationships: { location: site } }))[0];
  if (!router) throw new Error(`site ${String(site.attributes.name)} has no edge router ${switchIndex}`);
  const gatewayInterface = await sdk.upsert('DcimInterfaceL3', {
    attributes: { name: `vlan${vlanId}`, speed: 1000, status: 'active', role: 'customer', enabled: true, description: `Gateway of ${label}` },
    relationships: { device: router, untagged_vlan: vlan },
  });
  const gateway = `${firstHost(prefixText)}/${length}`;
  const gatewayAddress = await sdk.upsert('IpamIPAddress', {
    attributes: { address: gateway, status: 'active', role: 'gateway', description: `Gateway of ${label}` },
    relationships: { ip_namespace: namespace, interface: gatewayInterface, gateway_of: prefix },
  });

  const service = await sdk.upsert('ServiceDedicatedInternet', {
    attributes: {
      service_identifier: serviceId,
      account_reference: String(sub.attributes.customer),
      status: 'active',
      bandwidth: String(bandwidth),
      ip_package: ipPackage,
    },
    relationships: { location: site, vlan, prefix, gateway_ip_address: gatewayAddress },
  });
  await sdk.update(port, {
    attributes: { status: 'active', l2_mode: 'Access', speed: bandwidth, enabled: true, description: `Port of ${label}` },
    relationships: { untagged_vlan: vlan, service },
  });
  await sdk.update(block, {
    attributes: { vlan: vlanId, prefix: prefixText, gateway_address: gateway },
    relationships: { customer_port: port },
  });
}

/**
 * The seed picked a switch at random; here the least used core switch at the site wins (fewest
 * customer ports in use, then the lower index), and the claim keeps a port it already holds, so the
 * choice is deterministic and stable across runs.
 */
async function claimPort(sdk: GeneratorSdk, site: SvcObject, serviceObjectId: string | undefined): Promise<{ port: SvcObject; switchIndex: number }> {
  // A service keeps its port: when it already holds one at the site, re-claim just that one rather
  // than ranking every switch (a no-op run over 1,000 services would read every port of every site).
  if (serviceObjectId !== undefined) {
    const service = await sdk.get(serviceObjectId);
    const held = service ? (await sdk.referrers(service, 'DcimInterfaceL2', 'service')).filter((p) => p.attributes.role === 'customer') : [];
    const device = held.length === 1 ? await sdk.peer(held[0]!, 'device') : undefined;
    const location = device ? await sdk.peer(device, 'location') : undefined;
    if (device && location?.id === site.id) {
      const port = await sdk.claim('DcimInterfaceL2', held, 'customer-port', { among: `the port it holds at ${String(site.attributes.name)}` });
      return { port, switchIndex: Number(device.attributes.index) };
    }
  }
  const switches = await sdk.list('DcimDevice', { attributes: { role: 'core' }, relationships: { location: site } });
  const ranked: { device: SvcObject; ports: SvcObject[]; used: number }[] = [];
  for (const device of switches) {
    const ports = (await sdk.referrers(device, 'DcimInterfaceL2', 'device')).filter((p) => p.attributes.role === 'customer');
    ranked.push({ device, ports, used: ports.filter((p) => p.attributes.status !== 'free').length });
  }
  ranked.sort((a, b) => a.used - b.used || Number(a.device.attributes.index) - Number(b.device.attributes.index));
  // Free ports, plus those a Dedicated Internet service holds: each of those has a claim, so the
  // claim skips them (or keeps this service's own), and when every port is taken the claim's error
  // says how many there are and who holds them instead of "no candidates".
  const held = (p: SvcObject) => {
    const s = p.relationships.service;
    return s !== undefined && !Array.isArray(s) && (s.id === serviceObjectId || s.kind === 'ServiceDedicatedInternet');
  };
  const candidates = ranked.flatMap((r) => r.ports.filter((p) => p.attributes.status === 'free' || held(p)));
  const port = await sdk.claim('DcimInterfaceL2', candidates, 'customer-port', { among: `customer ports of core switches at ${String(site.attributes.name)}` });
  const owner = ranked.find((r) => r.ports.some((p) => p.id === port.id))!;
  return { port, switchIndex: Number(owner.device.attributes.index) };
}

/** The first host of an IPv4 prefix: its network address plus one. */
function firstHost(prefix: string): string {
  const [address] = prefix.split('/');
  const n = address!.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
