import { useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * The `token` of a mailed link (/invite?token=…, /reset-password?token=…). It is read once and taken
 * out of the address bar, so it stays out of the history, of screenshots and of shared screens.
 */
export function useLinkToken(): string | null {
  const [params] = useSearchParams();
  const [token] = useState(() => params.get('token'));
  const [cleaned] = useState(() => {
    if (token) {
      const url = new URL(window.location.href);
      url.searchParams.delete('token');
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    }
    return true;
  });
  return cleaned ? token : null;
}
