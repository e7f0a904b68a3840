import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { data, identityApi } from "@/lib/api/client";
import type { components, operations } from "@/lib/api/schema/identity";

export type Member = components["schemas"]["MemberView"];
export type Role = components["schemas"]["RoleView"];
export type Invitation = components["schemas"]["InvitationView"];
export type AuditQuery = NonNullable<operations["ListAuditEvents"]["parameters"]["query"]>;

const keys = {
  organization: ["organization"] as const,
  members: (search: string) => ["organization", "members", search] as const,
  roles: ["organization", "roles"] as const,
  permissions: ["permissions"] as const,
  invitations: ["organization", "invitations"] as const,
  policy: ["organization", "policy"] as const,
  audit: (query: AuditQuery) => ["organization", "audit", query] as const,
};

export function useOrganization() {
  return useQuery({ queryKey: keys.organization, queryFn: () => data(identityApi.GET("/api/organizations/current")) });
}

export function useRenameOrganization() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => data(identityApi.PATCH("/api/organizations/current", { body: { name } })),
    onSuccess: (organization) => queryClient.setQueryData(keys.organization, organization),
  });
}

export function useMembers(search: string) {
  return useQuery({
    queryKey: keys.members(search),
    queryFn: () => data(identityApi.GET("/api/organizations/current/members", { params: { query: { search: search || undefined } } })),
    placeholderData: keepPreviousData,
  });
}

function useOrganizationMutation<TVariables, TResult>(mutationFn: (variables: TVariables) => Promise<TResult>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSettled: () => queryClient.invalidateQueries({ queryKey: ["organization"] }) });
}

export function useChangeMemberRoles() {
  return useOrganizationMutation(({ userId, roleIds }: { userId: string; roleIds: string[] }) =>
    data(identityApi.PUT("/api/organizations/current/members/{userId}/roles", { params: { path: { userId } }, body: { roleIds } })),
  );
}

export function useDeactivateMember() {
  return useOrganizationMutation((userId: string) => data(identityApi.POST("/api/organizations/current/members/{userId}/deactivate", { params: { path: { userId } } })));
}

export function useResetMemberMfa() {
  return useOrganizationMutation((userId: string) => data(identityApi.POST("/api/organizations/current/members/{userId}/reset-mfa", { params: { path: { userId } } })));
}

export function useRoles() {
  return useQuery({ queryKey: keys.roles, queryFn: () => data(identityApi.GET("/api/organizations/current/roles")) });
}

export function usePermissionCatalogue() {
  return useQuery({ queryKey: keys.permissions, queryFn: () => data(identityApi.GET("/api/permissions")), staleTime: Infinity });
}

export function useCreateRole() {
  return useOrganizationMutation((body: components["schemas"]["RoleRequest"]) => data(identityApi.POST("/api/organizations/current/roles", { body })));
}

export function useUpdateRole() {
  return useOrganizationMutation(({ roleId, ...body }: components["schemas"]["RoleRequest"] & { roleId: string }) =>
    data(identityApi.PUT("/api/organizations/current/roles/{roleId}", { params: { path: { roleId } }, body })),
  );
}

export function useDeleteRole() {
  return useOrganizationMutation((roleId: string) => data(identityApi.DELETE("/api/organizations/current/roles/{roleId}", { params: { path: { roleId } } })));
}

export function useInvitations() {
  return useQuery({ queryKey: keys.invitations, queryFn: () => data(identityApi.GET("/api/organizations/current/invitations")) });
}

export function useInvite() {
  return useOrganizationMutation((body: components["schemas"]["InvitationRequest"]) => data(identityApi.POST("/api/organizations/current/invitations", { body })));
}

export function useRevokeInvitation() {
  return useOrganizationMutation((id: string) => data(identityApi.DELETE("/api/organizations/current/invitations/{id}", { params: { path: { id } } })));
}

export function useResendInvitation() {
  return useOrganizationMutation((id: string) => data(identityApi.POST("/api/organizations/current/invitations/{id}/resend", { params: { path: { id } } })));
}

export function usePolicy() {
  return useQuery({ queryKey: keys.policy, queryFn: () => data(identityApi.GET("/api/organizations/current/policy")) });
}

export function useSavePolicy() {
  return useOrganizationMutation((mfaRequiredRoleIds: string[]) => data(identityApi.PUT("/api/organizations/current/policy", { body: { mfaRequiredRoleIds } })));
}

export function useAuditEvents(query: AuditQuery) {
  return useQuery({
    queryKey: keys.audit(query),
    queryFn: () => data(identityApi.GET("/api/audit-events", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useVerifyAuditTrail() {
  return useMutation({ mutationFn: () => data(identityApi.GET("/api/audit-events/verify")) });
}
