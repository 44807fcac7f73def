import { Navigate, Route, Routes } from 'react-router';
import { SideNavLayout } from '../../app/app-header.tsx';
import { MyKeysPage } from './my-keys-page.tsx';
import { PrivacyPage } from './privacy-page.tsx';
import { ProfilePage } from './profile-page.tsx';
import { SecurityPage } from './security-page.tsx';
import { SessionsPage } from './sessions-page.tsx';

const NAV = [
  { to: '/settings/profile', label: 'Profile' },
  { to: '/settings/security', label: 'Security' },
  { to: '/settings/sessions', label: 'Sessions' },
  { to: '/settings/keys', label: 'API keys' },
  { to: '/settings/privacy', label: 'Privacy' },
];

/** /settings/…: the person's own account (loaded on demand). */
export default function SettingsRoutes() {
  return (
    <SideNavLayout nav={NAV} title="Settings">
      <Routes>
        <Route path="profile" element={<ProfilePage />} />
        <Route path="security" element={<SecurityPage />} />
        <Route path="sessions" element={<SessionsPage />} />
        <Route path="keys" element={<MyKeysPage />} />
        <Route path="privacy" element={<PrivacyPage />} />
        <Route path="*" element={<Navigate to="/settings/profile" replace />} />
      </Routes>
    </SideNavLayout>
  );
}
