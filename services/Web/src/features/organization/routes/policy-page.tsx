import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { usePolicy, useRoles, useSavePolicy, type Role } from "@/features/organization/api/organization";
import { RolePicker } from "@/features/organization/components/role-picker";

/** The organization's security policy: roles that must use MFA; and the password rules, which are the platform's. */
export default function PolicyPage() {
  const { t } = useTranslation();
  const policy = usePolicy();
  const roles = useRoles();
  return (
    <Page title={t("policy.title")}>
      <Section title={t("policy.mfa")} description={t("policy.mfaDescription")}>
        {policy.isPending || roles.isPending ? (
          <LoadingState />
        ) : policy.isError ? (
          <ErrorState error={policy.error} onRetry={() => void policy.refetch()} />
        ) : roles.isError ? (
          <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />
        ) : (
          <MfaPolicyForm roles={roles.data} initial={policy.data.mfaRequiredRoleIds} />
        )}
      </Section>
      <Section title={t("policy.password")}>
        <ul className="list-disc space-y-1 pl-5 text-sm">
          <li>{t("policy.passwordLength")}</li>
          <li>{t("policy.passwordEmail")}</li>
          <li>{t("policy.passwordCommon")}</li>
          <li>{t("policy.passwordHistory")}</li>
          <li>{t("policy.passwordLockout")}</li>
        </ul>
      </Section>
    </Page>
  );
}

function MfaPolicyForm({ roles, initial }: { roles: Role[]; initial: string[] }) {
  const { t } = useTranslation();
  const { hasPermission } = useAuth();
  const [selected, setSelected] = useState(initial);
  const save = useSavePolicy();
  const canManage = hasPermission("org:manage");
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(selected);
      }}
    >
      <fieldset disabled={!canManage}>
        <RolePicker roles={roles} selected={selected} onChange={setSelected} legend={t("policy.mfaRoles")} />
      </fieldset>
      {save.isSuccess && <Alert tone="success" title={t("common.saved")} />}
      {save.isError && <ErrorState error={save.error} />}
      {canManage && (
        <Button type="submit" busy={save.isPending}>
          {t("common.save")}
        </Button>
      )}
    </form>
  );
}
