import { Lock } from 'lucide-react';
import { Link } from 'react-router';
import { EmptyState } from '../ui/states.tsx';

/** A page of the app the signed-in person may not use: said plainly, with a way back (the server refuses its data anyway). */
export function ForbiddenPage() {
  return (
    <EmptyState
      icon={<Lock className="size-6" aria-hidden />}
      title="You do not have access to this page"
      action={<Link className="text-accent underline" to="/">Go to your workspace</Link>}
    >
      Your role in this organization does not include it. Ask an owner if you need it.
    </EmptyState>
  );
}
