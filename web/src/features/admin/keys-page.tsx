import { useState } from 'react';
import { useSession } from '../../app/session.tsx';
import { Select } from '../../ui/field.tsx';
import { PageHeader } from '../../ui/page.tsx';
import { KeysManager } from '../keys/keys-manager.tsx';
import { useNames } from './use-names.ts';

/** Admin › Keys: every key the person may manage, by team; create, scope, rotate, revoke. */
export function AdminKeysPage() {
  const names = useNames();
  const { can } = useSession();
  // A team admin may list the keys of their teams, not all keys of the organization.
  const [teamId, setTeamId] = useState(can.isOwner || can.isAuditor ? '' : (can.adminTeamIds[0] ?? ''));
  return (
    <div className="max-w-6xl">
      <PageHeader
        title="Keys"
        description="Personal keys act as their person; service keys belong to a team and keep working when people leave. Secrets are shown once."
        actions={
          <Select aria-label="Team" value={teamId} onChange={(e) => setTeamId(e.target.value)} className="w-56">
            {(can.isOwner || can.isAuditor) && <option value="">All teams</option>}
            {names.teams.map((t) => (
              <option key={t.id} value={t.id}>{t.name}</option>
            ))}
          </Select>
        }
      />
      <KeysManager filters={teamId ? { team_id: teamId } : {}} />
    </div>
  );
}
