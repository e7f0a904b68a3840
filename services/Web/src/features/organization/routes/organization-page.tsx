import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { useSettings } from "@/lib/settings";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useOrganization, useRenameOrganization } from "@/features/organization/api/organization";

export default function OrganizationPage() {
  const { t } = useTranslation();
  const organization = useOrganization();
  return (
    <Page title={t("organization.title")}>
      {organization.isPending ? (
        <LoadingState />
      ) : organization.isError ? (
        <ErrorState error={organization.error} onRetry={() => void organization.refetch()} />
      ) : (
        <OrganizationForm name={organization.data.name} slug={organization.data.slug} createdAt={organization.data.createdAt} />
      )}
    </Page>
  );
}

function OrganizationForm({ name: initialName, slug, createdAt }: { name: string; slug: string; createdAt: string }) {
  const { t } = useTranslation();
  const { hasPermission } = useAuth();
  const { format } = useSettings();
  const [name, setName] = useState(initialName);
  const rename = useRenameOrganization();
  const canManage = hasPermission("org:manage");
  return (
    <Section title={t("organization.details")} description={t("organization.since", { slug, date: format.date(createdAt) })}>
      <form
        className="max-w-md space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate(name);
        }}
      >
        <TextField label={t("fields.organizationName")} required readOnly={!canManage} value={name} onChange={(e) => setName(e.target.value)} errors={isApiError(rename.error) ? rename.error.fieldErrors("name") : undefined} />
        {rename.isSuccess && <Alert tone="success" title={t("common.saved")} />}
        {rename.isError && (!isApiError(rename.error) || rename.error.kind !== "validation") && <ErrorState error={rename.error} />}
        {canManage && (
          <Button type="submit" busy={rename.isPending}>
            {t("common.save")}
          </Button>
        )}
      </form>
    </Section>
  );
}
