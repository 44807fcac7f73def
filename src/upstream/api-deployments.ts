import type { Logger } from 'pino';
import type { DeploymentStore } from './deployment-store.ts';
import type { UpstreamConnector } from './upstream-client.ts';
import type { UpstreamRouter } from './upstream-router.ts';

/**
 * Keeps a router's API-written deployments in step with the store: `reload` reads them (opening
 * their sealed keys) and replaces the router's list. Reloads run one after another, so an older
 * read never replaces a newer one. Called at start, after each write on this instance, and on the
 * change feed's `deployments` topic for writes through other instances.
 * @example const api = new ApiDeployments(store, router, connector, log); await api.reload();
 */
export class ApiDeployments {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DeploymentStore,
    private readonly router: UpstreamRouter,
    private readonly connect: UpstreamConnector,
    private readonly log: Logger,
  ) {}

  /** Re-reads the stored deployments into the router; resolves when this read is applied. */
  reload(): Promise<void> {
    const next = this.chain.then(() => this.apply());
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async apply(): Promise<void> {
    const { deployments, invalid } = await this.store.all();
    if (invalid.length > 0) this.log.warn({ deployments: invalid }, 'stored upstream deployments that no longer validate are skipped');
    const configured = new Set(this.router.configured.map((d) => d.id));
    // tollgate.yaml wins: a stored deployment whose id the file now also sets is not used.
    const shadowed = deployments.filter((s) => configured.has(s.deployment.id)).map((s) => s.deployment.id);
    if (shadowed.length > 0) this.log.warn({ deployments: shadowed }, 'stored upstream deployments with an id tollgate.yaml also sets are not used (the file wins)');
    this.router.setApiDeployments(
      deployments
        .filter((s) => !configured.has(s.deployment.id))
        .map((s) => ({ deployment: { ...s.deployment, api_key: undefined }, secret: s.inlineKey, inline: s.inlineKey !== undefined })),
      this.connect,
    );
  }
}
