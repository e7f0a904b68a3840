// The build report for docs/benchmarks.md: the JavaScript a browser downloads before the sign-in route (the welcome
// page at "/") is interactive — the entry chunk and every chunk it imports statically — gzip-compressed as the gateway
// serves it, against the 200 KB budget; and each lazily loaded route's own chunk. Run after `npm run build`.
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL(".vite/manifest.json", dist), "utf8"));
const gzip = (file) => gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const entryKey = Object.keys(manifest).find((key) => manifest[key].isEntry);
const initial = new Set();
const walk = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  (chunk.imports ?? []).forEach(walk);
};
walk(entryKey);
const css = manifest[entryKey].css ?? [];
const initialJs = [...initial].reduce((sum, file) => sum + gzip(file), 0);
const budget = 200 * 1024;
console.log(`Sign-in route ("/"): initial JavaScript ${kb(initialJs)} gzip in ${initial.size} file(s) (budget ${kb(budget)}: ${initialJs <= budget ? "within" : "OVER"}); CSS ${kb(css.reduce((s, f) => s + gzip(f), 0))} gzip`);

console.log("Lazily loaded routes (own chunk, gzip; shared chunks they import are counted once, below):");
const lazy = Object.entries(manifest).filter(([, chunk]) => chunk.isDynamicEntry);
for (const [key, chunk] of lazy.sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`  ${key.replace(/^src\/features\//, "").padEnd(60)} ${kb(gzip(chunk.file)).padStart(9)}`);
}
const shared = Object.values(manifest).filter((chunk) => !chunk.isEntry && !chunk.isDynamicEntry && !initial.has(chunk.file) && chunk.file.endsWith(".js"));
console.log(`  shared by lazy routes: ${shared.length} chunk(s), ${kb(shared.reduce((s, c) => s + gzip(c.file), 0))} gzip`);
if (initialJs > budget) process.exit(1);
