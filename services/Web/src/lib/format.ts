/**
 * Dates and numbers in the user's locale (the app's language, with the browser's region when it matches), in the
 * user's time zone, with the date and time formats of their preferences when they chose some.
 */
export interface FormatPreferences {
  locale: string;
  timeZone?: string | undefined;
  dateFormat?: string | undefined;
  timeFormat?: string | undefined;
}

function parts(date: Date, prefs: FormatPreferences, options: Intl.DateTimeFormatOptions) {
  const format = new Intl.DateTimeFormat(prefs.locale, { ...options, timeZone: prefs.timeZone });
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value])) as Record<string, string>;
}

/** The date alone: in a chosen pattern (yyyy-MM-dd, dd/MM/yyyy, MM/dd/yyyy, dd.MM.yyyy) or the locale's medium date. */
export function formatDate(value: string | Date, prefs: FormatPreferences): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (prefs.dateFormat && /^(yyyy-MM-dd|dd\/MM\/yyyy|MM\/dd\/yyyy|dd\.MM\.yyyy)$/.test(prefs.dateFormat)) {
    const p = parts(date, { ...prefs, locale: "en-GB" }, { year: "numeric", month: "2-digit", day: "2-digit" });
    return prefs.dateFormat.replace("yyyy", p.year ?? "").replace("MM", p.month ?? "").replace("dd", p.day ?? "");
  }
  return new Intl.DateTimeFormat(prefs.locale, { dateStyle: "medium", timeZone: prefs.timeZone }).format(date);
}

/** A calendar date (YYYY-MM-DD: a birth date) as the user writes dates: the same day in every time zone. */
export function formatCalendarDate(value: string, prefs: FormatPreferences): string {
  return formatDate(`${value}T00:00:00Z`, { ...prefs, timeZone: "UTC" });
}

/** The time alone, 24-hour or 12-hour as preferred (else as the locale writes it). */
export function formatTime(value: string | Date, prefs: FormatPreferences): string {
  const date = typeof value === "string" ? new Date(value) : value;
  const hourCycle = prefs.timeFormat === "12h" ? "h12" : prefs.timeFormat === "24h" ? "h23" : undefined;
  return new Intl.DateTimeFormat(prefs.locale, { hour: "2-digit", minute: "2-digit", hourCycle, timeZone: prefs.timeZone }).format(date);
}

export function formatDateTime(value: string | Date, prefs: FormatPreferences): string {
  return `${formatDate(value, prefs)} ${formatTime(value, prefs)}`;
}

export function formatNumber(value: number | string, prefs: FormatPreferences): string {
  return new Intl.NumberFormat(prefs.locale).format(typeof value === "string" ? Number(value) : value);
}
