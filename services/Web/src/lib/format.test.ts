import { formatCalendarDate, formatDate, formatNumber, formatTime } from "@/lib/format";

const instant = new Date("2026-03-04T17:05:00Z");

describe("formatting in the user's locale and preferences", () => {
  it.each([
    ["yyyy-MM-dd", "2026-03-04"],
    ["dd/MM/yyyy", "04/03/2026"],
    ["MM/dd/yyyy", "03/04/2026"],
    ["dd.MM.yyyy", "04.03.2026"],
  ])("writes a date as %s", (dateFormat, expected) => {
    expect(formatDate(instant, { locale: "en", timeZone: "UTC", dateFormat })).toBe(expected);
  });

  it("takes the day in the user's time zone", () => {
    expect(formatDate("2026-03-04T23:30:00Z", { locale: "en", timeZone: "Asia/Tokyo", dateFormat: "yyyy-MM-dd" })).toBe("2026-03-05");
  });

  it("writes a calendar date as the same day in every time zone", () => {
    expect(formatCalendarDate("1980-07-14", { locale: "en", timeZone: "Pacific/Honolulu", dateFormat: "yyyy-MM-dd" })).toBe("1980-07-14");
    expect(formatCalendarDate("1980-07-14", { locale: "en", timeZone: "Asia/Tokyo", dateFormat: "dd/MM/yyyy" })).toBe("14/07/1980");
  });

  it("writes the locale's own date without a chosen format", () => {
    expect(formatDate(instant, { locale: "fr", timeZone: "UTC" })).toBe("4 mars 2026");
  });

  it("writes 12-hour or 24-hour times as preferred", () => {
    expect(formatTime(instant, { locale: "en", timeZone: "UTC", timeFormat: "24h" })).toBe("17:05");
    expect(formatTime(instant, { locale: "en", timeZone: "UTC", timeFormat: "12h" })).toMatch(/^05:05\sPM$/);
  });

  it("groups digits as the locale does", () => {
    expect(formatNumber(1234567, { locale: "en" })).toBe("1,234,567");
    expect(formatNumber(1234567, { locale: "fr" })).toMatch(/^1\s234\s567$/);
  });
});
