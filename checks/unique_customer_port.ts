/**
 * No two services share a customer port: a port carries one customer's traffic, untagged. The
 * generator's claim keeps this true for the ports it hands out; this check catches what reaches the
 * inventory another way (a hand edit, a load, a merge of two requests).
 */
interface Data {
  BlockDedicatedInternet: {
    edges: {
      node: {
        id: string;
        subscription: { node: { subscription_id: { value: string } } | null } | null;
        customer_port: { node: { id: string; name: { value: string }; device: { node: { name: { value: string } } | null } } | null } | null;
      };
    }[];
  };
}

export function check(data: Data) {
  const holders = new Map<string, string[]>();
  const names = new Map<string, string>();
  for (const { node } of data.BlockDedicatedInternet.edges) {
    const port = node.customer_port?.node;
    if (!port) continue;
    holders.set(port.id, [...(holders.get(port.id) ?? []), node.subscription?.node?.subscription_id.value ?? node.id]);
    names.set(port.id, `${port.device?.node?.name.value ?? '?'} ${port.name.value}`);
  }
  return [...holders]
    .filter(([, services]) => services.length > 1)
    .map(([port, services]) => ({
      severity: 'error' as const,
      message: `customer port ${names.get(port)} is used by ${services.length} services: ${services.sort().join(', ')}`,
      object: port,
    }));
}
