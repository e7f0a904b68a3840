import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { ConfirmButton } from "@/components/confirm-button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useDraft } from "@/hooks/use-draft";
import { useInvitations, useInvite, useResendInvitation, useRevokeInvitation, useRoles, type Invitation, type Role } from "@/features/organization/api/organization";
import { RolePicker } from "@/features/organization/components/role-picker";

export default function InvitationsPage() {
  const { t } = useTranslation();
  const invitations = useInvitations();
  const roles = useRoles();
  return (
    <Page title={t("invitations.title")} description={t("invitations.description")}>
      {roles.isSuccess && (
        <Section title={t("invitations.invite")}>
          <InviteForm roles={roles.data} />
        </Section>
      )}
      <Section title={t("invitations.pending")}>
        {invitations.isPending || roles.isPending ? (
          <LoadingState />
        ) : invitations.isError ? (
          <ErrorState error={invitations.error} onRetry={() => void invitations.refetch()} />
        ) : roles.isError ? (
          <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
        ) : invitations.data.length === 0 ? (
          <p className="text-sm">{t("invitations.none")}</p>
        ) : (
          <ul className="divide-y divide-slate-200 dark:divide-slate-800">
            {invitations.data.map((invitation) => (
              <InvitationRow key={invitation.id} invitation={invitation} roles={roles.data} />
            ))}
          </ul>
        )}
      </Section>
    </Page>
  );
}

function InviteForm({ roles }: { roles: Role[] }) {
  const { t } = useTranslation();
  const [form, update, clearDraft] = useDraft("invitation", { email: "", roleIds: [] as string[] });
  const invite = useInvite();
  const error = isApiError(invite.error) ? invite.error : null;
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        invite.mutate(form, {
          onSuccess: () => {
            clearDraft();
            update({ email: "", roleIds: [] });
          },
        });
      }}
    >
      <div className="max-w-sm">
        <TextField label={t("fields.email")} type="email" required value={form.email} onChange={(e) => update({ email: e.target.value })} errors={error?.fieldErrors("email")} />
      </div>
      <RolePicker roles={roles} selected={form.roleIds} onChange={(roleIds) => update({ roleIds })} legend={t("invitations.roles")} />
      {error?.fieldErrors("roleIds").map((m) => <p key={m} className="text-sm text-red-700 dark:text-red-400">{m}</p>)}
      {invite.isSuccess && <Alert tone="success" title={t("invitations.sent", { email: invite.data.email })} />}
      {invite.isError && error?.kind !== "validation" && <ErrorState error={invite.error} />}
      <Button type="submit" busy={invite.isPending}>
        {t("invitations.send")}
      </Button>
    </form>
  );
}

function InvitationRow({ invitation, roles }: { invitation: Invitation; roles: Role[] }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const revoke = useRevokeInvitation();
  const resend = useResendInvitation();
  const roleNames = roles.filter((r) => invitation.roleIds.includes(r.id)).map((r) => r.name);
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3">
      <div className="min-w-0 text-sm">
        <p className="font-medium break-all">{invitation.email}</p>
        <p className="text-slate-600 dark:text-slate-400">
          {roleNames.join(", ")} · {invitation.expired ? t("invitations.expired") : t("invitations.expires", { date: format.dateTime(invitation.expiresAt) })}
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" busy={resend.isPending} onClick={() => resend.mutate(invitation.id)}>
          {t("invitations.resend")}
          <span className="sr-only">: {invitation.email}</span>
        </Button>
        <ConfirmButton busy={revoke.isPending} onConfirm={() => revoke.mutate(invitation.id)}>
          {t("invitations.revoke")}
          <span className="sr-only">: {invitation.email}</span>
        </ConfirmButton>
      </div>
      {resend.isSuccess && <Alert tone="success" className="w-full" title={t("invitations.resent")} />}
      {[revoke.error, resend.error].map((error, i) => (error ? <ErrorState key={i} error={error} /> : null))}
    </li>
  );
}
