// The account and region every page shows, chosen in the header and kept across visits.
import { createContext, useContext, useState, type ReactNode } from 'react';
import type { Scope } from './api.ts';

interface ScopeState extends Scope {
  setScope(s: Scope): void;
}

const ScopeContext = createContext<ScopeState>({ account: '000000000000', region: 'us-east-1', setScope: () => {} });

function stored(): Scope {
  try {
    const s = JSON.parse(localStorage.getItem('fogbank.scope') ?? '');
    if (/^\d{12}$/.test(s.account) && typeof s.region === 'string') return s;
  } catch {
    // first visit
  }
  return { account: '000000000000', region: 'us-east-1' };
}

export function ScopeProvider({ children }: { children: ReactNode }) {
  const [scope, set] = useState<Scope>(stored);
  const setScope = (s: Scope) => {
    localStorage.setItem('fogbank.scope', JSON.stringify(s));
    set(s);
  };
  return <ScopeContext.Provider value={{ ...scope, setScope }}>{children}</ScopeContext.Provider>;
}

export function useScope(): ScopeState {
  return useContext(ScopeContext);
}
