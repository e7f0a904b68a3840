import { createContext, useContext, useEffect, useMemo, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { data, identityApi } from "@/lib/api/client";
import { useAuth } from "@/lib/auth/auth";
import { changeLanguage, languageOf } from "@/lib/i18n/i18n";
import { formatCalendarDate, formatDate, formatDateTime, formatNumber, formatTime, type FormatPreferences } from "@/lib/format";
import type { components } from "@/lib/api/schema/identity";

export type Profile = components["schemas"]["Profile"];
export type Preferences = components["schemas"]["Preferences"];
export type Theme = "system" | "light" | "dark";

/** Query keys of the signed-in user's own settings, which the account pages change. */
export const settingsKeys = {
  profile: ["account", "profile"] as const,
  preferences: ["account", "preferences"] as const,
};

const themeKey = "medicalhub.theme";

/** Light or dark: the user's choice (saved in their preferences, and in this browser for the pages before sign-in). */
export function applyTheme(theme: Theme): void {
  localStorage.setItem(themeKey, theme);
  const dark = theme === "dark" || (theme === "system" && typeof window.matchMedia === "function" && window.matchMedia("(prefers-color-scheme: dark)").matches);
  document.documentElement.classList.toggle("dark", dark);
  document.documentElement.style.colorScheme = dark ? "dark" : "light";
}

export function savedTheme(): Theme {
  const theme = localStorage.getItem(themeKey);
  return theme === "light" || theme === "dark" ? theme : "system";
}

interface Settings {
  profile: Profile | undefined;
  preferences: Preferences | undefined;
  format: {
    date: (value: string | Date) => string;
    /** A date without a time (YYYY-MM-DD), such as a birth date: never shifted by the time zone. */
    calendarDate: (value: string) => string;
    time: (value: string | Date) => string;
    dateTime: (value: string | Date) => string;
    number: (value: number | string) => string;
  };
}

const SettingsContext = createContext<Settings | null>(null);

export function SettingsProvider({ children }: { children: ReactNode }) {
  const { user, claims } = useAuth();
  const { i18n } = useTranslation();
  const signedIn = user !== null;
  const profile = useQuery({
    queryKey: settingsKeys.profile,
    queryFn: () => data(identityApi.GET("/api/account/profile")),
    enabled: signedIn,
    staleTime: 5 * 60_000,
  });
  const preferences = useQuery({
    queryKey: settingsKeys.preferences,
    queryFn: () => data(identityApi.GET("/api/account/preferences")),
    enabled: signedIn && claims !== null,
    staleTime: 5 * 60_000,
  });

  useEffect(() => {
    const theme = preferences.data?.theme;
    applyTheme(theme === "light" || theme === "dark" ? theme : theme === "system" ? "system" : savedTheme());
  }, [preferences.data?.theme]);

  useEffect(() => {
    if (profile.data?.locale) void changeLanguage(languageOf(profile.data.locale));
  }, [profile.data?.locale]);

  const value = useMemo<Settings>(() => {
    // The app's language, with the profile's region when it is the same language (fr-CA, en-GB…).
    const locale = profile.data?.locale && languageOf(profile.data.locale) === i18n.language ? profile.data.locale : i18n.language;
    const prefs: FormatPreferences = {
      locale,
      timeZone: profile.data?.timeZone,
      dateFormat: preferences.data?.dateFormat,
      timeFormat: preferences.data?.timeFormat,
    };
    return {
      profile: profile.data,
      preferences: preferences.data,
      format: {
        date: (v) => formatDate(v, prefs),
        calendarDate: (v) => formatCalendarDate(v, prefs),
        time: (v) => formatTime(v, prefs),
        dateTime: (v) => formatDateTime(v, prefs),
        number: (v) => formatNumber(v, prefs),
      },
    };
  }, [profile.data, preferences.data, i18n.language]);

  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): Settings {
  const settings = useContext(SettingsContext);
  if (!settings) throw new Error("useSettings outside SettingsProvider");
  return settings;
}
