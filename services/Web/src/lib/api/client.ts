import createClient, { type Middleware } from "openapi-fetch";
import { userManager } from "@/lib/auth/user-manager";
import { sessionEvents } from "@/lib/auth/session-events";
import { ApiError, type ProblemDetails } from "@/lib/api/errors";
import type { paths as IdentityPaths } from "@/lib/api/schema/identity";
import type { paths as CommunicationPaths } from "@/lib/api/schema/communication";
import type { paths as ContentPaths } from "@/lib/api/schema/content";
import type { paths as WorkflowPaths } from "@/lib/api/schema/workflow";

/** The user's access token, renewed first (with the refresh token) when it has expired. Anonymous calls get none. */
async function accessToken(): Promise<string | null> {
  const user = await userManager.getUser();
  if (!user) return null;
  if (!user.expired) return user.access_token;
  try {
    return (await userManager.signinSilent())?.access_token ?? null;
  } catch {
    sessionEvents.ended();
    return null;
  }
}


const authentication: Middleware = {
  async onRequest({ request }) {
    const token = await accessToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
};

async function problemOf(response: Response): Promise<ProblemDetails | null> {
  const type = response.headers.get("Content-Type") ?? "";
  if (!type.includes("json")) return null;
  try {
    return (await response.clone().json()) as ProblemDetails;
  } catch {
    return null;
  }
}

/**
 * Every answer that is not a success becomes an ApiError the pages explain. A 401 on a signed-in call means the
 * session ended (revoked elsewhere, password changed): the app is told, and the page keeps what the user typed.
 */
const errors: Middleware = {
  async onResponse({ response, schemaPath }) {
    if (response.ok) return response;
    // A refused sign-up step or share-link code is an answer to show, not the end of a session.
    if (response.status === 401 && !schemaPath.startsWith("/api/auth/") && !schemaPath.startsWith("/api/public/")) sessionEvents.ended();
    const retryAfter = Number(response.headers.get("Retry-After"));
    throw new ApiError(response.status, await problemOf(response), Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  },
  onError({ error }) {
    if (error instanceof ApiError) return error;
    // fetch itself failed: the gateway is down or the network is gone.
    return new ApiError(0, { title: error instanceof Error ? error.message : "Network error" });
  },
};

function client<Paths extends object>() {
  // Same origin: the gateway in run mode and deployments, the Vite dev server (which proxies to it) in dev mode.
  const api = createClient<Paths>({ baseUrl: window.location.origin, fetch: (request) => globalThis.fetch(request) });
  api.use(authentication, errors);
  return api;
}

/** Identity's API (accounts, organizations, audit), through the gateway. */
export const identityApi = client<IdentityPaths>();
/** Communication's API (notification preferences, templates), through the gateway. */
export const communicationApi = client<CommunicationPaths>();
/** Content's API (patients, documents, sharing, the PHI access audit, search), through the gateway. */
export const contentApi = client<ContentPaths>();

/** Workflow's API (tasks, pathways), through the gateway. */
export const workflowApi = client<WorkflowPaths>();

/** The data of a successful call (errors were already thrown by the middleware). */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const result = await call;
  if (result.error !== undefined) {
    throw new ApiError(result.response.status, result.error);
  }
  return result.data as T;
}
