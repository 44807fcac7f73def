import type { Directory } from '../access/index.ts';

/** What the metering routes need of the directory: which organization runs the deployment. */
export type HomeOrgSource = Pick<Directory, 'homeOrg'>;

/**
 * The home organization's id, read once and then kept (the first organization never changes).
 * @example const homeOrgId = homeOrgIdOf(directory); if (actor.orgId === (await homeOrgId())) …
 */
export function homeOrgIdOf(directory: HomeOrgSource): () => Promise<string | undefined> {
  let id: string | undefined;
  return async () => (id ??= (await directory.homeOrg())?.id);
}
