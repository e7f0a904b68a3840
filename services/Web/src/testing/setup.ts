import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import { setUpI18n } from "@/lib/i18n/i18n";

setUpI18n("en");

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  localStorage.clear();
});
