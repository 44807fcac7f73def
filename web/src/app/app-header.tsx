import { useQueryClient } from '@tanstack/react-query';
import { LogOut, Settings, Shield, User } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link, NavLink, useNavigate } from 'react-router';
import { signOut } from '../api/account.ts';
import { setCsrfToken } from '../api/http.ts';
import { Button } from '../ui/button.tsx';
import { cx } from '../ui/cx.ts';
import { Logo } from '../ui/logo.tsx';
import { Menu, MenuItem, MenuLabel, MenuSeparator } from '../ui/menu.tsx';
import { useSession } from './session.tsx';

/** The bar at the top of every signed-in page: where you are, where else you may go, your account. */
export function AppHeader({ children }: { children?: ReactNode }) {
  const { me, can } = useSession();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const link = ({ isActive }: { isActive: boolean }) => cx('rounded px-2 py-1 text-sm hover:bg-muted', isActive ? 'font-medium text-fg' : 'text-fg-muted');

  async function leave() {
    try {
      await signOut();
    } finally {
      setCsrfToken(undefined);
      qc.clear();
      navigate('/sign-in', { replace: true });
    }
  }

  return (
    <header className="flex h-12 shrink-0 items-center gap-3 border-b border-line px-3">
      <Link to="/" aria-label="Tollgate workspace" className="rounded">
        <Logo compactOnSmall />
      </Link>
      <nav aria-label="Main" className="flex items-center gap-1">
        <NavLink to="/" end className={link}>
          Workspace
        </NavLink>
        {can.hasAdmin ? (
          <NavLink to="/admin" className={link}>
            Admin
          </NavLink>
        ) : (
          <NavLink to="/admin/usage" className={link}>
            Usage
          </NavLink>
        )}
      </nav>
      <div className="ml-auto flex items-center gap-2">
        {children}
        <Menu
          trigger={
            <Button variant="ghost" aria-label={`Account: ${me.user?.email ?? 'key'}`}>
              <User className="size-4" aria-hidden />
              <span className="hidden max-w-40 truncate sm:inline">{me.user?.name || me.user?.email}</span>
            </Button>
          }
        >
          <MenuLabel>{me.user?.email}</MenuLabel>
          <MenuItem onSelect={() => navigate('/settings/profile')}>
            <Settings className="size-4" aria-hidden /> Settings
          </MenuItem>
          <MenuItem onSelect={() => navigate('/settings/security')}>
            <Shield className="size-4" aria-hidden /> Security and 2FA
          </MenuItem>
          <MenuSeparator />
          <MenuItem onSelect={() => void leave()}>
            <LogOut className="size-4" aria-hidden /> Sign out
          </MenuItem>
        </Menu>
      </div>
    </header>
  );
}

/** A signed-in page with the header and a side navigation (settings, admin). */
export function SideNavLayout({ nav, title, children }: { nav: { to: string; label: string }[]; title: string; children: ReactNode }) {
  return (
    <div className="flex h-full flex-col">
      <AppHeader />
      <div className="flex min-h-0 flex-1 flex-col md:flex-row">
        <nav aria-label={title} className="shrink-0 border-b border-line p-2 md:w-52 md:border-r md:border-b-0">
          <p className="hidden px-2 pb-2 text-xs font-medium tracking-wide text-fg-muted uppercase md:block">{title}</p>
          <ul className="flex gap-1 overflow-x-auto md:flex-col">
            {nav.map((n) => (
              <li key={n.to}>
                <NavLink
                  to={n.to}
                  className={({ isActive }) => cx('block rounded px-2 py-1.5 text-sm whitespace-nowrap hover:bg-muted', isActive ? 'bg-muted font-medium' : 'text-fg-muted')}
                >
                  {n.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main className="min-w-0 flex-1 overflow-y-auto p-4 md:p-6">{children}</main>
      </div>
    </div>
  );
}
