import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { User, UserManager } from "oidc-client-ts";
import { readAccessClaims, type AccessClaims } from "@/lib/auth/claims";
import { sessionEvents } from "@/lib/auth/session-events";

export interface Auth {
  /** null until the stored user is read. */
  ready: boolean;
  user: User | null;
  claims: AccessClaims | null;
  /** The session ended under the user (revoked, password changed elsewhere): they must sign in again. */
  sessionEnded: boolean;
  /** On the way to Identity's sign-out: pages must not send the browser to the login page meanwhile. */
  leaving: boolean;
  signIn: (returnTo?: string) => Promise<void>;
  signOut: () => Promise<void>;
  hasPermission: (permission: string) => boolean;
}

const AuthContext = createContext<Auth | null>(null);

/** Where to come back to after the login page: a path of this app, never another site. */
export function safeReturnPath(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

export function AuthProvider({ userManager, children }: { userManager: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [ready, setReady] = useState(false);
  const [sessionEnded, setSessionEnded] = useState(false);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => {
    let live = true;
    void userManager.getUser().then((stored) => {
      if (!live) return;
      // An expired access token is renewed with the refresh token (automatic renewal, or the API client's first call).
      setUser(stored);
      setReady(true);
    });
    const loaded = (next: User) => {
      setUser(next);
      setSessionEnded(false);
    };
    const unloaded = () => setUser(null);
    // The refresh token was refused (session revoked, password reset, replay): say so, keep the page as it is.
    const renewFailed = () => setSessionEnded(true);
    userManager.events.addUserLoaded(loaded);
    userManager.events.addUserUnloaded(unloaded);
    userManager.events.addSilentRenewError(renewFailed);
    const stopListening = sessionEvents.onEnded(() => setSessionEnded(true));
    return () => {
      live = false;
      userManager.events.removeUserLoaded(loaded);
      userManager.events.removeUserUnloaded(unloaded);
      userManager.events.removeSilentRenewError(renewFailed);
      stopListening();
    };
  }, [userManager]);

  const signIn = useCallback(
    (returnTo?: string) => userManager.signinRedirect({ state: { returnTo: safeReturnPath(returnTo ?? window.location.pathname + window.location.search) } }),
    [userManager],
  );

  const signOut = useCallback(async () => {
    setLeaving(true);
    // The identity token of the login (a refresh answer has none, so it is the first one) names the session Identity
    // ends; the local copy of the tokens is removed on the way.
    await userManager.signoutRedirect();
  }, [userManager]);

  const value = useMemo<Auth>(() => {
    const claims = user ? readAccessClaims(user.access_token) : null;
    return {
      ready,
      user,
      claims,
      sessionEnded,
      leaving,
      signIn,
      signOut,
      hasPermission: (permission) => claims?.permissions.includes(permission) ?? false,
    };
  }, [ready, user, sessionEnded, leaving, signIn, signOut]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

export { AuthContext };
