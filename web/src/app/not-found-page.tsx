import { Link } from 'react-router';
import { EmptyState } from '../ui/states.tsx';

export function NotFoundPage() {
  return (
    <main className="grid h-full place-items-center p-6">
      <EmptyState title="This page does not exist" action={<Link className="text-accent underline" to="/">Go to your workspace</Link>}>
        The link may be mistyped or out of date.
      </EmptyState>
    </main>
  );
}
