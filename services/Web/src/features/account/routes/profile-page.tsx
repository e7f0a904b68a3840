import { useTranslation } from "react-i18next";
import { isApiError } from "@/lib/api/errors";
import { useSettings, type Profile } from "@/lib/settings";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { SelectField, TextField } from "@/components/form-fields";
import { LoadingState, ErrorState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useDraft } from "@/hooks/use-draft";
import { useUpdateProfile } from "@/features/account/api/account";

const locales = ["en", "en-GB", "en-US", "fr", "fr-FR", "fr-CA", "fr-BE", "fr-CH"];

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

export default function ProfilePage() {
  const { t } = useTranslation();
  const { profile } = useSettings();
  return (
    <Page title={t("profile.title")} description={t("profile.description")}>
      {profile ? <ProfileForm profile={profile} /> : <LoadingState />}
    </Page>
  );
}

function ProfileForm({ profile }: { profile: Profile }) {
  const { t } = useTranslation();
  const [form, update, clearDraft, restored] = useDraft(`profile.${profile.id}`, {
    givenName: profile.givenName,
    familyName: profile.familyName,
    title: profile.title ?? "",
    phone: profile.phone ?? "",
    locale: profile.locale,
    timeZone: profile.timeZone,
  });
  const save = useUpdateProfile();
  const errors = (field: string) => (isApiError(save.error) ? save.error.fieldErrors(field) : undefined);
  return (
    <Section title={t("profile.details")} description={profile.email}>
      <form
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ ...form, title: form.title || null, phone: form.phone || null }, { onSuccess: clearDraft });
        }}
      >
        {restored && <Alert tone="info" className="sm:col-span-2" title={t("common.draftRestored")} />}
        <TextField label={t("fields.givenName")} autoComplete="given-name" required value={form.givenName} onChange={(e) => update({ givenName: e.target.value })} errors={errors("givenName")} />
        <TextField label={t("fields.familyName")} autoComplete="family-name" required value={form.familyName} onChange={(e) => update({ familyName: e.target.value })} errors={errors("familyName")} />
        <TextField label={t("fields.title")} autoComplete="honorific-prefix" value={form.title} onChange={(e) => update({ title: e.target.value })} errors={errors("title")} />
        <TextField label={t("fields.phone")} type="tel" autoComplete="tel" value={form.phone} onChange={(e) => update({ phone: e.target.value })} errors={errors("phone")} />
        <SelectField label={t("fields.locale")} value={form.locale} onChange={(e) => update({ locale: e.target.value })} errors={errors("locale")}>
          {(locales.includes(form.locale) ? locales : [form.locale, ...locales]).map((locale) => (
            <option key={locale} value={locale}>
              {new Intl.DisplayNames([locale], { type: "language" }).of(locale) ?? locale} ({locale})
            </option>
          ))}
        </SelectField>
        <SelectField label={t("fields.timeZone")} value={form.timeZone} onChange={(e) => update({ timeZone: e.target.value })} errors={errors("timeZone")}>
          {timeZones(form.timeZone).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </SelectField>
        <div className="space-y-3 sm:col-span-2">
          {save.isSuccess && <Alert tone="success" title={t("common.saved")} />}
          {save.isError && !isApiError(save.error) && <ErrorState error={save.error} />}
          {isApiError(save.error) && save.error.kind !== "validation" && <ErrorState error={save.error} />}
          <Button type="submit" busy={save.isPending}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
