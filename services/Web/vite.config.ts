/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";

// Dev mode (npm run dev): Vite on :5173 with hot reload; everything that is not the app goes to the gateway
// (MEDICALHUB_GATEWAY, default the run-mode gateway http://localhost:8000), so the app talks to the real stack.
const gateway = process.env.MEDICALHUB_GATEWAY ?? "http://localhost:8000";
const proxied = ["/api", "/connect", "/.well-known", "/account", "/auth", "/openapi", "/fhir"];

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: gateway, changeOrigin: false, xfwd: true }])),
  },
  build: {
    manifest: true,
    sourcemap: false,
    target: "es2022",
    // Hashed file names under /assets/: the gateway caches them for a year, index.html never.
    assetsDir: "assets",
    // The entry holds React, the router, TanStack Query, oidc-client-ts and i18next: its budget is 200 KB gzip (docs/benchmarks.md).
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/testing/setup.ts"],
    css: false,
    restoreMocks: true,
    unstubGlobals: true,
    // The machine is shared: typing into forms can take a while.
    testTimeout: 20_000,
  },
});
