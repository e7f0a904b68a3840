import { createBrowserRouter, type RouteObject } from "react-router";
import { AppShell } from "@/app/shell";
import { RequireAuth } from "@/app/require-auth";
import { RouteError, NotFoundPage } from "@/app/route-error";
import { HomeRoute } from "@/app/home-route";

/** Each page is its own chunk, loaded when its route is first visited. */
function page(load: () => Promise<{ default: React.ComponentType }>): Pick<RouteObject, "lazy"> {
  return { lazy: async () => ({ Component: (await load()).default }) };
}

export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    children: [
      // Pages reached signed out: sign-up and the links of Identity's e-mails (their paths are Identity's contract).
      { path: "/register", ...page(() => import("@/features/registration/routes/register-page")) },
      { path: "/verify-email", ...page(() => import("@/features/registration/routes/verify-email-page")) },
      { path: "/accept-invitation", ...page(() => import("@/features/invitations/routes/accept-invitation-page")) },
      { path: "/forgot-password", ...page(() => import("@/features/password/routes/forgot-password-page")) },
      { path: "/reset-password", ...page(() => import("@/features/password/routes/reset-password-page")) },
      { path: "/callback", ...page(() => import("@/features/auth/routes/callback-page")) },
      // A document shared by link, for someone without an account (the token after "#").
      { path: "/shared", ...page(() => import("@/features/shared-link/routes/shared-document-page")) },
      // "/" is the welcome page signed out, the dashboard in the shell signed in.
      { index: true, element: <HomeRoute /> },
      {
        element: (
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        ),
        children: [
          { path: "/settings/profile", ...page(() => import("@/features/account/routes/profile-page")) },
          { path: "/settings/preferences", ...page(() => import("@/features/account/routes/preferences-page")) },
          { path: "/settings/security", ...page(() => import("@/features/account/routes/security-page")) },
          { path: "/settings/sessions", ...page(() => import("@/features/account/routes/sessions-page")) },
          { path: "/settings/notifications", ...page(() => import("@/features/notifications/routes/notification-preferences-page")) },
          { path: "/admin/organization", ...page(() => import("@/features/organization/routes/organization-page")) },
          { path: "/admin/members", ...page(() => import("@/features/organization/routes/members-page")) },
          { path: "/admin/roles", ...page(() => import("@/features/organization/routes/roles-page")) },
          { path: "/admin/invitations", ...page(() => import("@/features/organization/routes/invitations-page")) },
          { path: "/admin/policy", ...page(() => import("@/features/organization/routes/policy-page")) },
          { path: "/admin/audit", ...page(() => import("@/features/organization/routes/audit-page")) },
          { path: "/admin/notification-templates", ...page(() => import("@/features/notifications/routes/templates-page")) },
          { path: "/patients", ...page(() => import("@/features/patients/routes/patients-page")) },
          { path: "/patients/:id", ...page(() => import("@/features/patients/routes/patient-chart-page")) },
          { path: "/documents", ...page(() => import("@/features/documents/routes/documents-page")) },
          { path: "/documents/:id", ...page(() => import("@/features/documents/routes/document-page")) },
          { path: "/shared-with-me", ...page(() => import("@/features/documents/routes/shared-with-me-page")) },
          { path: "/inbox", ...page(() => import("@/features/inbox/routes/inbox-page")) },
          { path: "/tasks", ...page(() => import("@/features/tasks/routes/tasks-page")) },
          // Capability slots still to come: /search and /pathways are added here (and in navigation.ts) as
          // their pages are written.
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export const router = createBrowserRouter(routes);
