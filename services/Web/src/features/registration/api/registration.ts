import { useMutation } from "@tanstack/react-query";
import { data, identityApi } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/identity";

export type RegisterRequest = components["schemas"]["RegisterRequest"];

export function useRegister() {
  return useMutation({ mutationFn: (body: RegisterRequest) => data(identityApi.POST("/api/auth/register", { body })) });
}

export function useVerifyEmail() {
  return useMutation({ mutationFn: (body: components["schemas"]["VerifyEmailRequest"]) => data(identityApi.POST("/api/auth/verify-email", { body })) });
}

export function useResendVerification() {
  return useMutation({ mutationFn: (email: string) => data(identityApi.POST("/api/auth/verify-email/resend", { body: { email } })) });
}
