import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "@/app/app";
import { setUpI18n } from "@/lib/i18n/i18n";
import { applyTheme, savedTheme } from "@/lib/settings";
import "@/styles.css";

applyTheme(savedTheme());
setUpI18n();

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
