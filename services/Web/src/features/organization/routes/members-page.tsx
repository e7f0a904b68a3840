import { useDeferredValue, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { Button } from "@/components/button";
import { ConfirmButton } from "@/components/confirm-button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page } from "@/components/page";
import { useChangeMemberRoles, useDeactivateMember, useMembers, useResetMemberMfa, useRoles, type Member, type Role } from "@/features/organization/api/organization";
import { RolePicker } from "@/features/organization/components/role-picker";

export default function MembersPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const deferred = useDeferredValue(search.trim());
  const members = useMembers(deferred);
  const roles = useRoles();
  return (
    <Page title={t("members.title")} description={t("members.description")}>
      <div className="max-w-sm">
        <TextField label={t("members.search")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {members.isPending || roles.isPending ? (
        <LoadingState />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => void members.refetch()} />
      ) : roles.isError ? (
        <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
      ) : members.data.length === 0 ? (
        <p className="text-sm">{t("members.none")}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900" aria-busy={members.isFetching}>
          {members.data.map((member) => (
            <MemberRow key={member.userId} member={member} roles={roles.data} />
          ))}
        </ul>
      )}
    </Page>
  );
}

function MemberRow({ member, roles }: { member: Member; roles: Role[] }) {
  const { t } = useTranslation();
  const { hasPermission, claims } = useAuth();
  const [editing, setEditing] = useState(false);
  const [roleIds, setRoleIds] = useState(() => roles.filter((r) => member.roles.includes(r.name)).map((r) => r.id));
  const changeRoles = useChangeMemberRoles();
  const deactivate = useDeactivateMember();
  const resetMfa = useResetMemberMfa();
  const canManage = hasPermission("users:manage") && member.active;
  const self = claims?.sub === member.userId;
  const name = `${member.givenName} ${member.familyName}`;
  return (
    <li className="space-y-3 p-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 text-sm">
          <p className="font-medium">{name}</p>
          <p className="break-all text-slate-600 dark:text-slate-400">{member.email}</p>
          <p className="mt-1 text-slate-700 dark:text-slate-300">
            {member.roles.join(", ")} · {member.mfaEnabled ? t("members.mfaOn") : t("members.mfaOff")}
            {!member.active && ` · ${t("members.inactive")}`}
          </p>
        </div>
        {canManage && (
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
              {t("members.editRoles")}
              <span className="sr-only">: {name}</span>
            </Button>
            {member.mfaEnabled && (
              <ConfirmButton busy={resetMfa.isPending} onConfirm={() => resetMfa.mutate(member.userId)}>
                {t("members.resetMfa")}
                <span className="sr-only">: {name}</span>
              </ConfirmButton>
            )}
            {!self && (
              <ConfirmButton busy={deactivate.isPending} onConfirm={() => deactivate.mutate(member.userId)}>
                {t("members.deactivate")}
                <span className="sr-only">: {name}</span>
              </ConfirmButton>
            )}
          </div>
        )}
      </div>
      {editing && (
        <form
          className="space-y-3 rounded-md bg-slate-50 p-3 dark:bg-slate-800"
          onSubmit={(e) => {
            e.preventDefault();
            changeRoles.mutate({ userId: member.userId, roleIds }, { onSuccess: () => setEditing(false) });
          }}
        >
          <RolePicker roles={roles} selected={roleIds} onChange={setRoleIds} legend={t("members.rolesOf", { name })} />
          <Button type="submit" busy={changeRoles.isPending}>
            {t("common.save")}
          </Button>
        </form>
      )}
      {[changeRoles.error, deactivate.error, resetMfa.error].map((error, i) => (error ? <ErrorState key={i} error={error} /> : null))}
    </li>
  );
}
