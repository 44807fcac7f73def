import type { Directory } from '../access/directory/directory.ts';

/** A reference to a directory entry with the name a person recognises it by. */
export interface Named {
  id: string;
  name: string;
}

/** Names of every organization, team and user, for listings that would otherwise show bare ids. */
export interface DirectoryNames {
  /** More than one organization exists (listings then say which one a row belongs to). */
  readonly manyOrgs: boolean;
  org(id: string | null): Named | null;
  team(id: string | null): Named | null;
  /** A user by id, named by email. */
  user(id: string | null): (Named & { email: string }) | null;
}

/**
 * Loads the names of the whole deployment once (an operator listing: a few thousand rows at most).
 * An id with no row (deleted since) is named by its id.
 */
export async function loadDirectoryNames(directory: Directory): Promise<DirectoryNames> {
  const orgs = await directory.listOrgs();
  const teams = (await Promise.all(orgs.map((o) => directory.teamsOf(o.id)))).flat();
  const users = await directory.allUsers();
  const orgById = new Map(orgs.map((o) => [o.id, o]));
  const teamById = new Map(teams.map((t) => [t.id, t]));
  const userById = new Map(users.map((u) => [u.id, u]));
  return {
    manyOrgs: orgs.length > 1,
    org: (id) => (id === null ? null : { id, name: orgById.get(id)?.name ?? id }),
    team: (id) => (id === null ? null : { id, name: teamById.get(id)?.name ?? id }),
    user: (id) => {
      if (id === null) return null;
      const u = userById.get(id);
      return { id, name: u?.name ?? id, email: u?.email ?? id };
    },
  };
}
