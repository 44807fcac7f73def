import { useMemo } from 'react';
import { useTeams, useUsers } from '../../api/directory.ts';
import { useKeys } from '../../api/keys.ts';
import { useSession } from '../../app/session.tsx';

/** Names for the ids the admin pages show (teams, people, keys), as far as the person may read them. */
export function useNames() {
  const { can } = useSession();
  const teams = useTeams();
  const users = useUsers(can.canReadDirectory);
  // Only org-wide roles may list every key; others see ids.
  const keys = useKeys({}, can.isOwner || can.isAuditor);
  return useMemo(() => {
    const team = new Map((teams.data?.data ?? []).map((t) => [t.id, t.name]));
    const user = new Map((users.data?.data ?? []).map((u) => [u.id, u.name || u.email]));
    const key = new Map((keys.data?.data ?? []).map((k) => [k.id, k.name]));
    return {
      teams: teams.data?.data ?? [],
      users: users.data?.data ?? [],
      keys: keys.data?.data ?? [],
      team: (id: string | null | undefined) => (id ? (team.get(id) ?? id) : '—'),
      user: (id: string | null | undefined) => (id ? (user.get(id) ?? id) : '—'),
      key: (id: string | null | undefined) => (id ? (key.get(id) ?? id) : '—'),
      actor: (id: string) => (id.startsWith('usr_') ? (user.get(id) ?? id) : id.startsWith('key_') ? `key ${key.get(id) ?? id}` : id),
    };
  }, [teams.data, users.data, keys.data]);
}
