import { useEffect, useState } from 'react';
import { Admin } from './Admin';
import type { LiveState } from './graphql';
import { useSignedIn } from './hooks';
import { Sensors } from './Sensors';
import { Watchlist } from './Watchlist';

const VIEWS = { sensors: 'Sensors', watchlist: 'Watchlist', admin: 'Admin' } as const;
type View = keyof typeof VIEWS;
const LIVE_LABEL: Record<LiveState, string> = {
  live: '● live',
  reconnecting: '○ reconnecting',
  offline: '○ offline',
  idle: '',
};
const LIVE_TITLE: Record<LiveState, string> = {
  live: 'live updates over WebSocket',
  reconnecting: 'live updates: the socket dropped; trying again',
  offline: 'live updates stopped (retries ran out, or the gateway refused); a reload tries again',
  idle: 'live updates over WebSocket',
};

/** The view the address names (#sensors, #watchlist, #admin), so a reload or a link keeps it. */
function viewOf(hash: string, admin: boolean): View {
  const named = hash.replace(/^#/, '');
  if (named === 'watchlist' || (named === 'admin' && admin)) return named;
  return 'sensors';
}

export function Shell() {
  const { gateway, session, signOut } = useSignedIn();
  const admin = session.user.role === 'ADMIN';
  const [view, setView] = useState<View>(() => viewOf(location.hash, admin));
  const [live, setLive] = useState<LiveState>('idle');
  useEffect(() => gateway.onLive(setLive), [gateway]);
  useEffect(() => {
    const follow = () => setView(viewOf(location.hash, admin));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [admin]);
  const views = (Object.keys(VIEWS) as View[]).filter((name) => name !== 'admin' || admin);
  return (
    <>
      <header className="bar">
        <strong>Switchyard</strong>
        <nav>
          {views.map((name) => (
            <a key={name} href={`#${name}`} aria-current={view === name ? 'page' : undefined}>
              {VIEWS[name]}
            </a>
          ))}
        </nav>
        <span className="who">
          <span className={`live ${live}`} title={LIVE_TITLE[live]}>
            {LIVE_LABEL[live]}
          </span>{' '}
          {session.user.email} ({session.user.role.toLowerCase()}){' '}
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        {view === 'sensors' && <Sensors />}
        {view === 'watchlist' && <Watchlist />}
        {view === 'admin' && <Admin />}
      </main>
    </>
  );
}
