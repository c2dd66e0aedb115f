/**
 * One Customer VLAN subscription → one IpamVLAN with an id from the customer VLAN pool.
 *
 * The types come from svc/sdk and are erased (`import type`): the catalog installs nothing, svc hands
 * the SDK to this function. Everything is keyed by the subscription, so a second run changes
 * nothing, and when the subscription is terminated svc deletes the VLAN and gives its id back.
 */
import type { GeneratorSdk } from 'svc/sdk';

export default async function generate(sdk: GeneratorSdk): Promise<void> {
  const sub = sdk.target;
  const serviceId = String(sub.attributes.subscription_id ?? sub.id);
  const block = await sdk.peer(sub, 'customer_vlan');
  if (!block) throw new Error(`subscription ${serviceId} has no customer_vlan block`);
  const site = await sdk.peer(block, 'site');
  if (!site) throw new Error(`subscription ${serviceId} names no site`);

  const vlanId = await sdk.allocateNumber(String(sdk.parameters.vlan_pool), 'vlan');
  await sdk.upsert('IpamVLAN', {
    attributes: { name: `vlan-${serviceId}`, vlan_id: vlanId, status: 'active', description: `VLAN of ${String(sub.attributes.customer)}` },
    relationships: { site },
  });
  sdk.log.info(`VLAN ${vlanId} at ${String(site.attributes.name)}`);
  await sdk.update(block, { attributes: { vlan_id: vlanId } });
}
