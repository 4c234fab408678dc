/** Who signed in on this tab: kept in sessionStorage, so a reload keeps it and closing the tab ends it. */
export interface Session {
  token: string;
  expiresAt: string;
  user: { id: string; email: string; role: 'USER' | 'ADMIN' };
}

const KEY = 'switchyard.dashboard.session';

export function storedSession(): Session | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return session && Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

export function storeSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export const LOGIN = `mutation DashboardSignIn($email: String!, $password: String!) {
  login(email: $email, password: $password) { token expiresAt user { id email role } }
}`;
