import { useMutation } from "@tanstack/react-query";
import { data, identityApi } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/identity";

/** Accepts an invitation: a new account (password and names), or an existing one proven by its token or password. */
export function useAcceptInvitation() {
  return useMutation({ mutationFn: (body: components["schemas"]["AcceptRequest"]) => data(identityApi.POST("/api/auth/invitations/accept", { body })) });
}
