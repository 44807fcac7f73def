import { useSession } from '../../app/session.tsx';
import { PageHeader } from '../../ui/page.tsx';
import { KeysManager } from '../keys/keys-manager.tsx';

/** Settings › API keys: the person's own personal keys. */
export function MyKeysPage() {
  const { me } = useSession();
  return (
    <div className="max-w-5xl">
      <PageHeader
        title="Your API keys"
        description="Personal keys act as you, with your roles, for scripts and tools using any OpenAI SDK (base URL: this server's /v1). The secret is shown once."
      />
      <KeysManager filters={{ user_id: me.user?.id ?? '' }} personalOnly />
    </div>
  );
}
