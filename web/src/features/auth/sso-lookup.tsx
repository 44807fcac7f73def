import { useQuery } from '@tanstack/react-query';
import { KeyRound } from 'lucide-react';
import { useEffect, useState } from 'react';
import { lookupSso } from '../../api/account.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * "Sign in with SSO" for an address whose domain an organization signs in through its identity
 * provider (GET /api/auth/sso/lookup). Looks up a moment after typing stops; shows nothing otherwise.
 */
export function SsoSignIn({ email, next }: { email: string; next: string }) {
  const [settled, setSettled] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setSettled(email.trim().toLowerCase()), 350);
    return () => clearTimeout(t);
  }, [email]);
  const domain = settled.split('@')[1] ?? '';
  const lookup = useQuery({
    queryKey: ['sso-lookup', domain],
    queryFn: () => lookupSso(settled),
    enabled: EMAIL.test(settled),
    retry: false,
    staleTime: 5 * 60_000,
  });
  if (!lookup.data) return null;
  const href = `${lookup.data.start_url}?return_to=${encodeURIComponent(next)}`;
  return (
    <div className="mt-4 rounded-md border border-line bg-subtle p-3 text-sm">
      <p className="text-fg-muted">{lookup.data.org_name} signs in {domain} addresses with single sign-on.</p>
      <a href={href} className="mt-2 inline-flex h-9 w-full items-center justify-center gap-2 rounded-md bg-accent px-3 font-medium text-accent-fg hover:opacity-90">
        <KeyRound className="size-4" aria-hidden /> Sign in with SSO
      </a>
    </div>
  );
}
