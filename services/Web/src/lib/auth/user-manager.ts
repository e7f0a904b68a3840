import { UserManager, WebStorageStateStore } from "oidc-client-ts";

/** The web app's OpenID Connect client (`medicalhub-web`, a public client: authorization code + PKCE). */
export const webClientId = "medicalhub-web";

/**
 * Identity is reached through the gateway, on the app's own origin: discovery, the login page and the token endpoint
 * are same-origin in run mode and in a deployment. In dev mode (Vite on :5173) Vite proxies discovery to the gateway.
 * Tokens live in sessionStorage: each tab has its own session, so two tabs never rotate one refresh token.
 */
export function createUserManager(origin: string = window.location.origin): UserManager {
  return new UserManager({
    authority: `${origin}/`,
    client_id: webClientId,
    redirect_uri: `${origin}/callback`,
    post_logout_redirect_uri: `${origin}/`,
    response_type: "code",
    scope: "openid profile email offline_access",
    // Renewal with the refresh token (offline_access) a minute before the 5-minute access token expires: no
    // navigation, no iframe, so nothing typed in a form is lost.
    automaticSilentRenew: true,
    accessTokenExpiringNotificationTimeInSeconds: 60,
    monitorSession: false,
    loadUserInfo: false,
    // A refresh answer has no identity token: the login's stays, and names the session at sign-out.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export const userManager = createUserManager();
