import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { communicationApi, data } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/communication";

export type NotificationPreferences = components["schemas"]["PreferencesView"];
export type Template = components["schemas"]["TemplateView"];
export type TemplateChange = components["schemas"]["TemplateChange"];

const keys = { preferences: ["notification-preferences"] as const, templates: ["notification-templates"] as const };

export function useNotificationPreferences() {
  return useQuery({ queryKey: keys.preferences, queryFn: () => data(communicationApi.GET("/api/notification-preferences")) });
}

export function useSaveNotificationPreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NotificationPreferences) => data(communicationApi.PUT("/api/notification-preferences", { body })),
    onSuccess: (saved) => queryClient.setQueryData(keys.preferences, saved),
  });
}

export function useTemplates() {
  return useQuery({ queryKey: keys.templates, queryFn: () => data(communicationApi.GET("/api/notification-templates")) });
}

export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ key, ...body }: TemplateChange & { key: string }) => data(communicationApi.PUT("/api/notification-templates/{key}", { params: { path: { key } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.templates }),
  });
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ key, locale }: { key: string; locale: string }) => data(communicationApi.DELETE("/api/notification-templates/{key}", { params: { path: { key }, query: { locale } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.templates }),
  });
}

export function usePreviewTemplate() {
  return useMutation({ mutationFn: (body: components["schemas"]["PreviewRequest"]) => data(communicationApi.POST("/api/notification-templates/preview", { body })) });
}
