import { useCallback, useEffect, useMemo, useState } from 'react';
import { connectGateway, type OperationError } from './graphql';
import { Shell } from './Shell';
import { SignedIn } from './hooks';
import { type Session, storedSession, storeSession } from './session';
import { SignIn } from './SignIn';

/** Signed out: the sign-in form; signed in: the dashboard, speaking to the gateway as that user. */
export function App() {
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const [ended, setEnded] = useState<OperationError>();
  const gateway = useMemo(() => connectGateway(session?.token), [session]);
  useEffect(() => () => gateway.close(), [gateway]);
  const signOut = useCallback((reason?: OperationError) => {
    storeSession(undefined);
    setEnded(reason);
    setSession(undefined);
  }, []);
  const signIn = useCallback((made: Session) => {
    storeSession(made);
    setEnded(undefined);
    setSession(made);
  }, []);
  const signed = useMemo(() => (session ? { gateway, session, signOut } : null), [gateway, session, signOut]);
  if (!signed) return <SignIn gateway={gateway} onSignedIn={signIn} ended={ended} />;
  return (
    <SignedIn.Provider value={signed}>
      <Shell />
    </SignedIn.Provider>
  );
}
