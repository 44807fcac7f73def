import { useEffect } from 'react';

export interface Shortcut {
  /** e.g. "mod+k", "mod+shift+o", "?" (mod is Ctrl, or ⌘ on a Mac). */
  keys: string;
  description: string;
  run: () => void;
  /** Also when typing in a field (default: only for mod combinations). */
  inFields?: boolean;
}

function matches(e: KeyboardEvent, keys: string): boolean {
  const parts = keys.toLowerCase().split('+');
  const key = parts.at(-1)!;
  const mod = parts.includes('mod');
  const shift = parts.includes('shift');
  const isMod = e.ctrlKey || e.metaKey;
  if (mod !== isMod) return false;
  if (mod && shift !== e.shiftKey) return false;
  return e.key.toLowerCase() === key;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Global keyboard shortcuts of the workspace. */
export function useShortcuts(shortcuts: Shortcut[]): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      for (const s of shortcuts) {
        if (!matches(e, s.keys)) continue;
        if (typing(e.target) && !(s.inFields ?? s.keys.includes('mod'))) continue;
        e.preventDefault();
        s.run();
        return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcuts]);
}
