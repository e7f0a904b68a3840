import { Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import { NavLink, Outlet, useLocation } from "react-router";
import { useTranslation } from "react-i18next";
import { useQueryClient } from "@tanstack/react-query";
import { useAuth } from "@/lib/auth/auth";
import { data, identityApi } from "@/lib/api/client";
import { changeLanguage, languages, languageOf, type Language } from "@/lib/i18n/i18n";
import { applyTheme, savedTheme, settingsKeys, useSettings, type Theme } from "@/lib/settings";
import { cn } from "@/lib/cn";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { LoadingState } from "@/components/states";
import { navigation } from "@/app/navigation";

/** The signed-in layout: header, navigation (a menu on a phone), the session's warnings, and the page. */
export function AppShell({ children }: { children?: ReactNode }) {
  const { t } = useTranslation();
  const { claims, hasPermission, sessionEnded, signIn } = useAuth();
  const { profile } = useSettings();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);

  // A route change closes the phone menu and moves focus to the new page, as a page load would.
  const firstRender = useRef(true);
  const [menuPath, setMenuPath] = useState(location.pathname);
  if (menuPath !== location.pathname) {
    setMenuPath(location.pathname);
    setMenuOpen(false);
  }
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  const groups = navigation
    .map((group) => ({ ...group, items: group.items.filter((item) => !item.permission || hasPermission(item.permission)) }))
    .filter((group) => group.items.length > 0);

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2 focus:text-teal-900">
        {t("nav.skip")}
      </a>
      <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/95 backdrop-blur dark:border-slate-800 dark:bg-slate-950/95">
        <div className="flex items-center gap-3 px-4 py-2">
          <Button variant="ghost" className="md:hidden" aria-expanded={menuOpen} aria-controls="app-navigation" onClick={() => setMenuOpen((open) => !open)}>
            {t("nav.menu")}
          </Button>
          <NavLink to="/" className="flex items-center gap-2 font-semibold text-teal-800 dark:text-teal-300">
            <img src="/favicon.svg" alt="" className="size-7" />
            MedicalHub
          </NavLink>
          <div className="ml-auto flex items-center gap-2">
            <LanguageSwitcher />
            <ThemeSwitcher />
            <UserMenu name={profile ? `${profile.givenName} ${profile.familyName}` : ""} />
          </div>
        </div>
      </header>
      <div className="md:flex">
        <nav id="app-navigation" aria-label={t("nav.label")} className={cn("border-b border-slate-200 p-4 md:block md:min-h-[calc(100vh-57px)] md:w-60 md:shrink-0 md:border-r md:border-b-0 dark:border-slate-800", menuOpen ? "block" : "hidden")}>
          {groups.map((group) => (
            <div key={group.id} className="mb-4">
              <h2 className="mb-1 px-2 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">{t(group.label)}</h2>
              <ul>
                {group.items.map((item) => (
                  <li key={item.to}>
                    <NavLink
                      to={item.to}
                      end={item.to === "/"}
                      className={({ isActive }) =>
                        cn(
                          "block rounded-md px-2 py-1.5 text-sm",
                          isActive ? "bg-teal-50 font-medium text-teal-900 dark:bg-teal-950 dark:text-teal-100" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
                        )
                      }
                    >
                      {t(item.label)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main id="main" ref={main} tabIndex={-1} className="min-w-0 flex-1 p-4 focus:outline-none sm:p-6 lg:p-8">
          {sessionEnded && (
            <Alert tone="warning" title={t("auth.sessionEnded")} className="mb-4">
              <p>{t("auth.sessionEndedDetail")}</p>
              <Button className="mt-2" onClick={() => void signIn()}>
                {t("auth.signInAgain")}
              </Button>
            </Alert>
          )}
          {claims?.mfaEnrollmentRequired && (
            <Alert tone="warning" title={t("auth.mfaEnrollmentRequired")} className="mb-4">
              <NavLink className="underline" to="/settings/security">
                {t("auth.mfaEnrollmentRequiredLink")}
              </NavLink>
            </Alert>
          )}
          <Suspense fallback={<LoadingState />}>{children ?? <Outlet />}</Suspense>
        </main>
      </div>
    </div>
  );
}

function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { profile } = useSettings();
  const choose = async (language: Language) => {
    await changeLanguage(language);
    // The profile's locale is the language e-mails and pages use: keep them together.
    if (profile && languageOf(profile.locale) !== language) {
      await data(identityApi.PATCH("/api/account/profile", { body: { locale: language, givenName: null, familyName: null, title: null, phone: null, timeZone: null } }));
      await queryClient.invalidateQueries({ queryKey: settingsKeys.profile });
    }
  };
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="sr-only">{t("settings.language")}</span>
      <select className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900" value={languageOf(i18n.language)} onChange={(e) => void choose(e.target.value as Language)}>
        {languages.map((language) => (
          <option key={language} value={language}>
            {t(`languages.${language}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function ThemeSwitcher() {
  const { t } = useTranslation();
  const { preferences } = useSettings();
  const [theme, setTheme] = useState<Theme>(() => (preferences?.theme as Theme | undefined) ?? savedTheme());
  return (
    <label className="hidden items-center gap-1 text-sm sm:flex">
      <span className="sr-only">{t("settings.theme")}</span>
      <select
        className="rounded-md border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-900"
        value={theme}
        onChange={(e) => {
          const next = e.target.value as Theme;
          setTheme(next);
          applyTheme(next);
        }}
      >
        {(["system", "light", "dark"] as const).map((option) => (
          <option key={option} value={option}>
            {t(`settings.themes.${option}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

function UserMenu({ name }: { name: string }) {
  const { t } = useTranslation();
  const { signOut } = useAuth();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const everywhere = async () => {
    setBusy(true);
    try {
      // Every other session first (their refresh tokens stop at once), then this one at Identity's end-session.
      await data(identityApi.POST("/api/account/sessions/revoke-others"));
    } finally {
      await signOut();
    }
  };
  return (
    <div className="relative">
      <Button variant="ghost" aria-expanded={open} aria-controls="user-menu" onClick={() => setOpen((o) => !o)}>
        <span className="max-w-40 truncate">{name || t("nav.account")}</span>
      </Button>
      {open && (
        <div id="user-menu" className="absolute right-0 mt-1 w-60 space-y-1 rounded-md border border-slate-200 bg-white p-2 shadow-lg dark:border-slate-700 dark:bg-slate-900">
          <NavLink to="/settings/profile" className="block rounded px-2 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800" onClick={() => setOpen(false)}>
            {t("nav.profile")}
          </NavLink>
          <button type="button" className="block w-full rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800" onClick={() => void signOut()}>
            {t("auth.signOut")}
          </button>
          <button type="button" disabled={busy} className="block w-full rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800" onClick={() => void everywhere()}>
            {t("auth.signOutEverywhere")}
          </button>
        </div>
      )}
    </div>
  );
}
