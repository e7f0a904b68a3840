import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { contentApi, data, identityApi } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/content";
import type { DocumentView } from "@/lib/documents";

export type DocumentVersion = components["schemas"]["DocumentVersionView"];
export type DeletedDocument = components["schemas"]["DeletedDocumentView"];
export type Share = components["schemas"]["ShareView"];
export type ShareLink = components["schemas"]["ShareLinkView"];
export type NewShare = Pick<components["schemas"]["CreateShareRequest"], "recipientUserId" | "recipientRole" | "recipientOrganizationId" | "expiresAt">;

export const pageSize = 20;

const keys = {
  all: ["documents"] as const,
  list: (category: string, page: number) => ["documents", "list", category, page] as const,
  document: (id: string) => ["documents", id] as const,
  versions: (id: string) => ["documents", id, "versions"] as const,
  deleted: ["documents", "deleted"] as const,
  shares: (id: string) => ["documents", id, "shares"] as const,
  links: (id: string) => ["documents", id, "links"] as const,
};

/** The practice's documents, newest first, a page at a time, of one category or all. */
export function useDocuments(category: string, page: number) {
  return useQuery({
    queryKey: keys.list(category, page),
    placeholderData: keepPreviousData,
    queryFn: () => data(contentApi.GET("/api/documents", { params: { query: { page, pageSize, ...(category ? { category } : {}) } } })),
  });
}

export function useDocument(id: string) {
  return useQuery({ queryKey: keys.document(id), queryFn: () => data(contentApi.GET("/api/documents/{id}", { params: { path: { id } } })) });
}

export function useDocumentVersions(id: string) {
  return useQuery({ queryKey: keys.versions(id), queryFn: () => data(contentApi.GET("/api/documents/{id}/versions", { params: { path: { id } } })) });
}

/** After a change the document (its ETag, current version), its versions and every list showing it are read again. */
function useDocumentChanged() {
  const queryClient = useQueryClient();
  return (document: DocumentView) => {
    queryClient.setQueryData(keys.document(document.id), document);
    return queryClient.invalidateQueries({ queryKey: keys.all });
  };
}

/** A new version from a file; If-Match the document as the page shows it (412 when someone changed it meanwhile). */
export function useUploadVersion(document: DocumentView) {
  const changed = useDocumentChanged();
  return useMutation({
    mutationFn: (file: File) =>
      data(
        contentApi.POST("/api/documents/{id}/versions", {
          params: { path: { id: document.id }, header: { "If-Match": document.etag } },
          body: { file: "", fileName: file.name },
          bodySerializer: () => {
            const form = new FormData();
            form.append("file", file, file.name);
            return form;
          },
        }),
      ),
    onSuccess: changed,
  });
}

/** An earlier version's bytes become the newest version (the history keeps every version). */
export function useRestoreVersion(document: DocumentView) {
  const changed = useDocumentChanged();
  return useMutation({
    mutationFn: (number: number) =>
      data(contentApi.POST("/api/documents/{id}/versions/{number}/restore", { params: { path: { id: document.id, number }, header: { "If-Match": document.etag } } })),
    onSuccess: changed,
  });
}

export function useDeleteDocument(document: DocumentView) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => data(contentApi.DELETE("/api/documents/{id}", { params: { path: { id: document.id }, header: { "If-Match": document.etag } } })),
    // Marked stale, not read again here: the page showing the document leaves it (reading it now would be a 404).
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.all, refetchType: "none" }),
  });
}

/** Deleted documents an administrator can still restore (until they are purged). */
export function useDeletedDocuments(enabled: boolean) {
  return useQuery({ queryKey: keys.deleted, enabled, queryFn: () => data(contentApi.GET("/api/documents/deleted", { params: { query: { pageSize: 100 } } })) });
}

export function useUndeleteDocument() {
  const changed = useDocumentChanged();
  return useMutation({
    mutationFn: (id: string) => data(contentApi.POST("/api/documents/{id}/undelete", { params: { path: { id } } })),
    onSuccess: changed,
  });
}

export function useDocumentShares(documentId: string) {
  return useQuery({ queryKey: keys.shares(documentId), queryFn: () => data(contentApi.GET("/api/shares", { params: { query: { documentId, pageSize: 100 } } })) });
}

export function useShareDocument(documentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (share: NewShare) => data(contentApi.POST("/api/shares", { body: { documentId, patientId: null, ...share } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.shares(documentId) }),
  });
}

export function useRevokeShare(documentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => data(contentApi.DELETE("/api/shares/{id}", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.shares(documentId) }),
  });
}

export function useShareLinks(documentId: string) {
  return useQuery({ queryKey: keys.links(documentId), queryFn: () => data(contentApi.GET("/api/share-links", { params: { query: { documentId, pageSize: 100 } } })) });
}

export interface NewShareLink {
  expiresAt: string;
  oneTime: boolean;
  accessCode: string;
}

/** An expiring read-only link; its token is in this answer only (the page shows the link once). */
export function useCreateShareLink(documentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ expiresAt, oneTime, accessCode }: NewShareLink) =>
      data(contentApi.POST("/api/share-links", { body: { documentId, expiresAt, oneTime, accessCode: accessCode.trim() || null } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.links(documentId) }),
  });
}

export function useRevokeShareLink(documentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => data(contentApi.DELETE("/api/share-links/{id}", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.links(documentId) }),
  });
}

/** The practice's members and roles, to choose a share's recipient from (needs users:read; else ids are typed). */
export function useRecipients(enabled: boolean) {
  const members = useQuery({ queryKey: ["documents", "recipients", "members"], enabled, queryFn: () => data(identityApi.GET("/api/organizations/current/members", { params: { query: {} } })) });
  const roles = useQuery({ queryKey: ["documents", "recipients", "roles"], enabled, queryFn: () => data(identityApi.GET("/api/organizations/current/roles")) });
  return { members: members.data?.filter((m) => m.active) ?? null, roles: roles.data ?? null };
}

/** Documents other people shared with me (or my role), any organization's, newest first. */
export function useSharedWithMe() {
  return useQuery({ queryKey: ["documents", "shared-with-me"], queryFn: () => data(contentApi.GET("/api/shares/received/documents", { params: { query: {} } })) });
}
