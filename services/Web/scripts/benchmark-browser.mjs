// Browser timings for docs/benchmarks.md, in Debian's Chromium through the gateway (scripts/benchmark-web.sh starts
// the stack and calls this): node scripts/benchmark-browser.mjs <gateway URL> <e-mail> <password> [runs]
//   1. first load to interactive, signed out: a new browser context (empty cache) opens "/", until the Sign in button
//      is in the page and enabled (React rendered, handlers attached); measured inside the page from navigation start;
//   2. the same with a warm cache (the hashed assets cached for a year);
//   3. first load to interactive, signed in: a reload of /settings/sessions with the session in sessionStorage, until
//      its heading and its data are shown (the lazy route's chunk and one API call);
//   4. route change: a click in the navigation until the next page's heading and data are shown (first visit of the
//      route, chunk not yet loaded; then visits with the chunk loaded).
// Prints the median and the worst of `runs` (default 7) for each.
import { chromium } from "playwright-core";

const [gateway, email, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 7);
const args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args });
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const report = (label, values, budget) =>
  console.log(`${label.padEnd(62)} median ${median(values).toFixed(0).padStart(5)} ms  worst ${Math.max(...values).toFixed(0).padStart(5)} ms  (budget ${budget} ms)`);

/** performance.now() (ms since navigation start) when `selector` matches an enabled element, polled each frame in the page. */
const whenReady = (page, selector) =>
  page.evaluate(
    (s) =>
      new Promise((resolve) => {
        const check = () => {
          const element = document.querySelector(s);
          if (element && !element.disabled) resolve(performance.now());
          else requestAnimationFrame(check);
        };
        check();
      }),
    selector,
  );

const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext({ baseURL: gateway });
  const page = await context.newPage();
  await page.goto("/", { waitUntil: "commit" });
  cold.push(await whenReady(page, "main button"));
  await page.goto("/", { waitUntil: "commit" });
  warm.push(await whenReady(page, "main button"));
  await context.close();
}

// One signed-in session (Identity's login page) for the rest.
const context = await browser.newContext({ baseURL: gateway });
const page = await context.newPage();
await page.goto("/");
await page.getByRole("button", { name: "Sign in" }).click();
await page.getByLabel("E-mail address").fill(email);
await page.getByLabel("Password").fill(password);
await page.getByRole("button", { name: "Log in" }).click();
await page.getByRole("heading", { level: 1, name: /Hello/ }).waitFor();

const signedIn = [];
await page.goto("/settings/sessions");
for (let i = 0; i < runs; i++) {
  await page.reload({ waitUntil: "commit" });
  signedIn.push(await whenReady(page, "main li"));
}

/** Clicks a navigation link and returns the ms until `selector` shows, measured in the page from the click. */
const change = async (link, selector) =>
  page.evaluate(
    ([name, s]) =>
      new Promise((resolve) => {
        const anchor = [...document.querySelectorAll("nav a")].find((a) => a.textContent === name);
        const start = performance.now();
        anchor.click();
        const check = () => (document.querySelector(s) ? resolve(performance.now() - start) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      }),
    [link, selector],
  );
const firstVisit = [await change("Roles and permissions", "main li h2")];
const visits = [];
for (let i = 0; i < runs; i++) {
  visits.push(await change("Sessions", "main li"));
  await page.getByRole("heading", { level: 1, name: "Sessions" }).waitFor();
  visits.push(await change("Roles and permissions", "main li h2"));
  await page.getByRole("heading", { level: 1, name: "Roles and permissions" }).waitFor();
}

console.log(`Chromium ${browser.version()} through ${gateway}, ${runs} runs each`);
report("first load to interactive, signed out, empty cache (\"/\")", cold, 1500);
report("first load to interactive, signed out, warm cache", warm, 1500);
report("reload to data shown, signed in (/settings/sessions)", signedIn, 1500);
report("route change, first visit (chunk loaded on demand) + data", firstVisit, 200);
report("route change, chunk loaded (Sessions <-> Roles) + data", visits, 200);
await browser.close();
