/**
 * The app's navigation, by group. Each capability adds its entries here when it lands, with the permission that shows
 * them (the services check it again). The clinical group is where patients, documents, search, pathways, tasks and
 * the inbox go: it shows once it has an entry, and no entry points at a page that does not exist yet.
 */
export interface NavigationItem {
  to: string;
  /** i18n key of the label. */
  label: string;
  /** Shown only to users whose token carries this permission. */
  permission?: string;
}

export interface NavigationGroup {
  id: "home" | "clinical" | "account" | "administration";
  label: string;
  items: NavigationItem[];
}

export const navigation: NavigationGroup[] = [
  { id: "home", label: "nav.groups.home", items: [{ to: "/", label: "nav.home" }] },
  // Capability slots still to come: /search, /pathways (routes in router.tsx).
  {
    id: "clinical",
    label: "nav.groups.clinical",
    items: [
      { to: "/patients", label: "nav.patients", permission: "patients:read" },
      { to: "/documents", label: "nav.documents", permission: "documents:read" },
      { to: "/shared-with-me", label: "nav.sharedWithMe", permission: "documents:read" },
      { to: "/tasks", label: "nav.tasks", permission: "tasks:read" },
      { to: "/inbox", label: "nav.inbox" },
    ],
  },
  {
    id: "account",
    label: "nav.groups.account",
    items: [
      { to: "/settings/profile", label: "nav.profile" },
      { to: "/settings/preferences", label: "nav.preferences" },
      { to: "/settings/security", label: "nav.security" },
      { to: "/settings/sessions", label: "nav.sessions" },
      { to: "/settings/notifications", label: "nav.notifications" },
    ],
  },
  {
    id: "administration",
    label: "nav.groups.administration",
    items: [
      { to: "/admin/organization", label: "nav.organization", permission: "users:read" },
      { to: "/admin/members", label: "nav.members", permission: "users:read" },
      { to: "/admin/roles", label: "nav.roles", permission: "users:read" },
      { to: "/admin/invitations", label: "nav.invitations", permission: "users:manage" },
      { to: "/admin/policy", label: "nav.policy", permission: "users:read" },
      { to: "/admin/audit", label: "nav.audit", permission: "audit:read" },
      { to: "/admin/notification-templates", label: "nav.templates", permission: "notifications:manage" },
    ],
  },
];
