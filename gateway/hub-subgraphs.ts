/**
 * The hub's own subgraphs besides the catalog (whose schema follows the registry and is
 * started apart). Adding a hub subgraph is one line here.
 */
import type { HubSubgraphModule } from '../subgraphs/serve-hub-subgraph.ts';
import { registrySubgraph } from '../subgraphs/registry/registry-subgraph.ts';
import { procurementSubgraph } from '../subgraphs/procurement/procurement-subgraph.ts';
import { accountsSubgraph } from '../subgraphs/accounts/accounts-subgraph.ts';
import { bookingSubgraph } from '../subgraphs/booking/booking-subgraph.ts';
import { oversightSubgraph } from '../subgraphs/oversight/oversight-subgraph.ts';
import { leasingSubgraph } from '../subgraphs/leasing/leasing-subgraph.ts';

export const HUB_SUBGRAPH_MODULES: readonly HubSubgraphModule[] = [
  registrySubgraph,
  accountsSubgraph,
  bookingSubgraph,
  procurementSubgraph,
  oversightSubgraph,
  leasingSubgraph,
];

/**
 * The hub's own subgraphs, the catalog first; every other subgraph of a supergraph is a source's
 * connector. In this order their ports follow IRHUB_SUBGRAPH_PORT when they run as a service.
 */
export const HUB_SUBGRAPH_NAMES: readonly string[] = ['catalog', ...HUB_SUBGRAPH_MODULES.map((m) => m.name)];
