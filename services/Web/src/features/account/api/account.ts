import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { data, identityApi } from "@/lib/api/client";
import { settingsKeys } from "@/lib/settings";
import type { components } from "@/lib/api/schema/identity";

export type ProfileChange = components["schemas"]["ProfileChange"];
export type Preferences = components["schemas"]["Preferences"];
export type Session = components["schemas"]["SessionView"];

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileChange) => data(identityApi.PATCH("/api/account/profile", { body })),
    onSuccess: (profile) => queryClient.setQueryData(settingsKeys.profile, profile),
  });
}

export function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Preferences) => data(identityApi.PUT("/api/account/preferences", { body })),
    onSuccess: (preferences) => queryClient.setQueryData(settingsKeys.preferences, preferences),
  });
}

export function useChangePassword() {
  return useMutation({ mutationFn: (body: components["schemas"]["ChangeRequest"]) => data(identityApi.POST("/api/account/password", { body })) });
}

const sessionsKey = ["account", "sessions"] as const;

export function useSessions() {
  return useQuery({ queryKey: sessionsKey, queryFn: () => data(identityApi.GET("/api/account/sessions")) });
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => data(identityApi.DELETE("/api/account/sessions/{sessionId}", { params: { path: { sessionId } } })),
    // Optimistic: the row goes at once, and comes back if Identity refuses.
    onMutate: async (sessionId) => {
      await queryClient.cancelQueries({ queryKey: sessionsKey });
      const before = queryClient.getQueryData<Session[]>(sessionsKey);
      queryClient.setQueryData<Session[]>(sessionsKey, (sessions) => sessions?.filter((s) => s.id !== sessionId));
      return { before };
    },
    onError: (_error, _id, context) => queryClient.setQueryData(sessionsKey, context?.before),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}

export function useRevokeOtherSessions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => data(identityApi.POST("/api/account/sessions/revoke-others")),
    onSettled: () => queryClient.invalidateQueries({ queryKey: sessionsKey }),
  });
}

export function useBeginTotp() {
  return useMutation({ mutationFn: () => data(identityApi.POST("/api/account/mfa/totp")) });
}

export function useConfirmTotp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => data(identityApi.POST("/api/account/mfa/totp/confirm", { body: { code } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["account"] }),
  });
}

export function useDisableTotp() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: components["schemas"]["DisableRequest"]) => data(identityApi.POST("/api/account/mfa/totp/disable", { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["account"] }),
  });
}

export function useRegenerateRecoveryCodes() {
  return useMutation({ mutationFn: (code: string) => data(identityApi.POST("/api/account/mfa/totp/recovery-codes", { body: { code } })) });
}
