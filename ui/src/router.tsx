// A tiny path router for the pages under /_fogbank/ui/ (no dependency needed for a dozen routes).
import { useEffect, useState, type ReactNode, type MouseEvent } from 'react';

export const BASE = '/_fogbank/ui';

function current(): string {
  const p = window.location.pathname;
  return p.startsWith(BASE) ? p.slice(BASE.length) || '/' : '/';
}

const changed = new EventTarget();

export function navigate(to: string): void {
  window.history.pushState(null, '', BASE + to);
  changed.dispatchEvent(new Event('change'));
}

/** The current path (and, re-rendering on query changes too, the query via useQuery). */
export function usePath(): string {
  return useLocation().path;
}

function useLocation(): { path: string; search: string } {
  const [loc, setLoc] = useState(() => ({ path: current(), search: window.location.search }));
  useEffect(() => {
    const update = () => setLoc({ path: current(), search: window.location.search });
    window.addEventListener('popstate', update);
    changed.addEventListener('change', update);
    return () => {
      window.removeEventListener('popstate', update);
      changed.removeEventListener('change', update);
    };
  }, []);
  return loc;
}

export function useQuery(): URLSearchParams {
  return new URLSearchParams(useLocation().search);
}

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const onClick = (e: MouseEvent) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={BASE + to} onClick={onClick} className={className}>
      {children}
    </a>
  );
}
