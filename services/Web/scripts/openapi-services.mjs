// The services whose API the web app calls, and how their OpenAPI documents are compared: the `servers` entry names
// the address the document was fetched through (the gateway's, which changes from run to run), nothing else does.
export const services = ["identity", "communication", "content", "workflow"];

export function normalize(document) {
  const copy = { ...document };
  delete copy.servers;
  return copy;
}
