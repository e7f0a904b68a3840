import { useMutation } from "@tanstack/react-query";
import { contentApi, data } from "@/lib/api/client";
import { saveFile } from "@/lib/documents";

/** A share link's secrets travel in headers, never in a URL (no access log or trace holds them). */
function headers(token: string, accessCode: string): Record<string, string> {
  return { "X-Share-Token": token, ...(accessCode ? { "X-Access-Code": accessCode } : {}) };
}

/** What a link opens (title, type, size, expiry); 401 asks for the access code, 403 a wrong code, 410 a closed link. */
export function useOpenSharedDocument() {
  return useMutation({
    mutationFn: ({ token, accessCode }: { token: string; accessCode: string }) =>
      data(contentApi.GET("/api/public/share-links/document", { headers: headers(token, accessCode) })),
  });
}

/** The document's bytes through the link (a one-time link is used up by this). */
export function useDownloadSharedDocument() {
  return useMutation({
    mutationFn: async ({ token, accessCode, fileName }: { token: string; accessCode: string; fileName: string }) => {
      const blob = await data(contentApi.GET("/api/public/share-links/document/content", { headers: headers(token, accessCode), parseAs: "blob" }));
      saveFile(blob, fileName);
    },
  });
}
