import { contentApi, data } from "@/lib/api/client";
import type { components, operations } from "@/lib/api/schema/content";

/** Content's documents as every page shows them (a patient's chart, the practice's list, a document's page). */
export type DocumentView = components["schemas"]["DocumentView"];
export type DocumentCategory = NonNullable<operations["UploadDocument"]["requestBody"]["content"]["multipart/form-data"]["category"]>;

export const documentCategories: DocumentCategory[] = [
  "clinical-note", "lab-result", "imaging", "referral", "letter", "report", "prescription", "discharge-summary", "consent", "administrative", "other",
];

export const isDocumentCategory = (value: string): value is DocumentCategory => (documentCategories as string[]).includes(value);

/**
 * Hands bytes the app fetched (with the user's token, which a plain link cannot send) to the browser as a file: a link
 * to them with the file's name, clicked. The object URL is released once the browser has surely taken the bytes.
 */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  // In the document, so every browser follows the click.
  window.document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Saves a document's current version (or one of its versions) under its file name. */
export async function downloadDocument(document: Pick<DocumentView, "id" | "fileName" | "title">, version?: { number: number | string; fileName: string | null }): Promise<void> {
  const blob = version
    ? await data(contentApi.GET("/api/documents/{id}/versions/{number}/content", { params: { path: { id: document.id, number: Number(version.number) } }, parseAs: "blob" }))
    : await data(contentApi.GET("/api/documents/{id}/content", { params: { path: { id: document.id } }, parseAs: "blob" }));
  saveFile(blob, version?.fileName ?? document.fileName ?? document.title);
}
