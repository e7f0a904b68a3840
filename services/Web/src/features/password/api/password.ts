import { useMutation } from "@tanstack/react-query";
import { data, identityApi } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/identity";

export function useForgotPassword() {
  return useMutation({ mutationFn: (email: string) => data(identityApi.POST("/api/auth/forgot-password", { body: { email } })) });
}

export function useResetPassword() {
  return useMutation({ mutationFn: (body: components["schemas"]["ResetRequest"]) => data(identityApi.POST("/api/auth/reset-password", { body })) });
}
