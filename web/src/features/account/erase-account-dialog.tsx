import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { setCsrfToken } from '../../api/http.ts';
import { eraseMe } from '../../api/privacy.ts';
import type { User } from '../../api/types.ts';
import { ErasureDialog } from './erasure-dialog.tsx';

/** The person erases their own account, then lands signed out on the sign-in page (their sessions ended with it). */
export function EraseAccountDialog({ open, onOpenChange, user }: { open: boolean; onOpenChange: (open: boolean) => void; user: User }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const erase = async () => {
    await eraseMe(user.id);
    setCsrfToken(undefined);
    qc.clear();
    navigate('/sign-in?erased=1', { replace: true });
  };
  return <ErasureDialog open={open} onOpenChange={onOpenChange} user={user} self erase={erase} />;
}
