import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { communicationApi, data } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/communication";

export type InboxItem = components["schemas"]["InboxItem"];
export const inboxPageSize = 20;

const keys = {
  all: ["inbox"] as const,
  page: (page: number, unreadOnly: boolean) => ["inbox", page, unreadOnly] as const,
};

/** The notifications sent to me in the app by my current practice, newest first; read again every 15 s while shown. */
export function useInbox(page: number, unreadOnly: boolean) {
  return useQuery({
    queryKey: keys.page(page, unreadOnly),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
    queryFn: () => data(communicationApi.GET("/api/inbox", { params: { query: { page, pageSize: inboxPageSize, unreadOnly } } })),
  });
}

export function useMarkRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => data(communicationApi.POST("/api/inbox/{id}/read", { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.all }),
  });
}

export function useMarkAllRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => data(communicationApi.POST("/api/inbox/read")),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.all }),
  });
}
