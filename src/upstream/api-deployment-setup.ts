import type { Logger } from 'pino';
import type { FieldCipher } from '../compliance/index.ts';
import { AddressPolicy, guardedConnector, type OutboundAllowance } from '../http/outbound/index.ts';
import type { AnyRoute } from '../http/routes/index.ts';
import type { Store } from '../state/index.ts';
import { ApiDeployments } from './api-deployments.ts';
import { DEPLOYMENTS_TOPIC, DeploymentStore } from './deployment-store.ts';
import { deploymentWriteRoutes } from './deployment-write-routes.ts';
import type { UpstreamRouter } from './upstream-router.ts';

export interface ApiDeploymentSetup {
  store: Store;
  cipher: FieldCipher;
  homeOrgId: string;
  /** Undefined when this Tollgate runs one upstream: stored deployments are not used, writes are refused. */
  router: UpstreamRouter | undefined;
  /** `outbound.allow_private`: which private destinations an API-set base URL may name. */
  allowPrivate: OutboundAllowance['privateRanges'];
  log: Logger;
  /** The change feed's subscribe: writes through other instances arrive as the `deployments` topic. */
  subscribe: (listener: (topic: string) => void) => void;
}

/** Time allowed to open a connection to an API-set deployment (the address check runs inside it). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Loads the deployments written through the API into the router (at start, merged after
 * tollgate.yaml's), follows later writes from any instance, and returns the write routes.
 * @example routes.push(...(await setUpApiDeployments({ store, cipher, homeOrgId, router, allowPrivate: 'off', log, subscribe })));
 */
export async function setUpApiDeployments(o: ApiDeploymentSetup): Promise<AnyRoute[]> {
  const deploymentStore = new DeploymentStore(o.store, o.cipher, o.homeOrgId);
  const addresses = new AddressPolicy({ privateRanges: o.allowPrivate });
  let reload = async () => {};
  if (o.router) {
    const api = new ApiDeployments(deploymentStore, o.router, guardedConnector(addresses, { timeoutMs: CONNECT_TIMEOUT_MS }), o.log);
    reload = () => api.reload();
    await reload().catch((err: unknown) => o.log.error({ err }, 'upstream deployments written through the API could not be loaded'));
    o.subscribe((topic) => {
      if (topic === DEPLOYMENTS_TOPIC) reload().catch((err: unknown) => o.log.error({ err }, 'upstream deployments could not be reloaded'));
    });
  } else if ((await deploymentStore.all()).deployments.length > 0) {
    o.log.warn('upstream deployments written through the API are not used: tollgate.yaml sets no upstream.deployments (this Tollgate runs one upstream)');
  }
  return deploymentWriteRoutes({ router: o.router, homeOrgId: o.homeOrgId, store: deploymentStore, reload, addresses, canSeal: o.cipher.enabled });
}
