// Saves the OpenAPI documents of the services the app calls, exactly as the running stack serves them through the
// gateway (/openapi/<service>/v1.json), into openapi/<service>.json; `npm run openapi:types` then regenerates the
// TypeScript types from them. Usage: npm run openapi:fetch -- http://localhost:8000   (default: MEDICALHUB_GATEWAY
// or http://localhost:8000). The end-to-end suite fails when a saved document differs from the live one.
import { writeFileSync } from "node:fs";
import { services, normalize } from "./openapi-services.mjs";

const gateway = (process.argv[2] ?? process.env.MEDICALHUB_GATEWAY ?? "http://localhost:8000").replace(/\/$/, "");
for (const service of services) {
  const response = await fetch(`${gateway}/openapi/${service}/v1.json`);
  if (!response.ok) {
    console.error(`${service}: ${response.status} ${response.statusText}`);
    process.exit(1);
  }
  const file = new URL(`../openapi/${service}.json`, import.meta.url);
  writeFileSync(file, JSON.stringify(normalize(await response.json()), null, 2) + "\n");
  console.log(`saved ${service}'s document`);
}
