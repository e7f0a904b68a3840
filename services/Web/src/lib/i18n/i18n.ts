import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "@/lib/i18n/en";
import { fr } from "@/lib/i18n/fr";

export const languages = ["en", "fr"] as const;
export type Language = (typeof languages)[number];

const storageKey = "medicalhub.language";

/** The language to start in: the one chosen in this browser, else the browser's own, else English. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(storageKey);
  if (saved === "en" || saved === "fr") return saved;
  return navigator.language.toLowerCase().startsWith("fr") ? "fr" : "en";
}

/** A locale such as "fr-CA" or "fr" as one of the app's languages (English for anything else). */
export function languageOf(locale: string | null | undefined): Language {
  return locale?.toLowerCase().startsWith("fr") ? "fr" : "en";
}

export async function changeLanguage(language: Language): Promise<void> {
  localStorage.setItem(storageKey, language);
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

export function setUpI18n(language: Language = initialLanguage()) {
  document.documentElement.lang = language;
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: "en",
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  });
  return i18n;
}
