// Validates every object in the given YAML files against the Kubernetes OpenAPI schema of its apiVersion and kind,
// with the validators kubernetes-models generates from the Kubernetes API's OpenAPI document (ajv, standalone).
// Prints one JSON line: { "objects": N, "errors": [ { "file", "object", "errors": [...] } ] }; exit code 1 on any error.
// An object whose apiVersion/kind the package does not know is an error too (so nothing passes unchecked).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const groups = { "v1": "v1" };
const result = { objects: 0, errors: [] };

for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      result.errors.push({ file, object: "(YAML)", errors: document.errors.map(e => e.message) });
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) continue;
    result.objects++;
    const name = `${object.kind}/${object.metadata?.name}`;
    const { apiVersion, kind } = object;
    const modulePath = `kubernetes-models/${groups[apiVersion] ?? apiVersion}/${kind}`;
    let Model;
    try {
      Model = (await import(modulePath))[kind];
    } catch {
      Model = undefined;
    }
    if (typeof Model !== "function") {
      result.errors.push({ file, object: name, errors: [`no schema for apiVersion ${apiVersion}, kind ${kind}`] });
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      const details = error?.errors ?? error?.details ?? [];
      result.errors.push({
        file, object: name,
        errors: details.length > 0 ? details.map(e => `${e.instancePath || "/"} ${e.message ?? e.keyword} ${JSON.stringify(e.params ?? {})}`) : [String(error?.message ?? error)],
      });
    }
  }
}

console.log(JSON.stringify(result));
process.exit(result.errors.length === 0 ? 0 : 1);
