import { useState } from "react";
import { useTranslation } from "react-i18next";
import { applyTheme, useSettings, type Theme } from "@/lib/settings";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { SelectField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useSavePreferences, type Preferences } from "@/features/account/api/account";

const options = {
  theme: ["system", "light", "dark"],
  dateFormat: ["yyyy-MM-dd", "dd/MM/yyyy", "MM/dd/yyyy", "dd.MM.yyyy"],
  timeFormat: ["24h", "12h"],
  weekStartsOn: ["monday", "sunday", "saturday"],
} as const;

export default function PreferencesPage() {
  const { t } = useTranslation();
  const { preferences } = useSettings();
  return (
    <Page title={t("preferences.title")} description={t("preferences.description")}>
      {preferences ? <PreferencesForm initial={preferences} /> : <LoadingState />}
    </Page>
  );
}

function PreferencesForm({ initial }: { initial: Preferences }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const [form, setForm] = useState(initial);
  const save = useSavePreferences();
  const errors = (field: string) => (isApiError(save.error) ? save.error.fieldErrors(field) : undefined);
  const sample = new Date();
  return (
    <Section title={t("preferences.display")}>
      <form
        className="grid gap-4 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(form, { onSuccess: (saved) => applyTheme(saved.theme as Theme) });
        }}
      >
        {(Object.keys(options) as (keyof typeof options)[]).map((field) => (
          <SelectField key={field} label={t(`preferences.${field}`)} value={form[field]} onChange={(e) => setForm({ ...form, [field]: e.target.value })} errors={errors(field)}>
            {options[field].map((option) => (
              <option key={option} value={option}>
                {t(`preferences.options.${option}`, { defaultValue: option })}
              </option>
            ))}
          </SelectField>
        ))}
        <p className="text-sm text-slate-600 sm:col-span-2 dark:text-slate-300">{t("preferences.example", { value: format.dateTime(sample) })}</p>
        <div className="space-y-3 sm:col-span-2">
          {save.isSuccess && <Alert tone="success" title={t("common.saved")} />}
          {save.isError && (!isApiError(save.error) || save.error.kind !== "validation") && <ErrorState error={save.error} />}
          <Button type="submit" busy={save.isPending}>
            {t("common.save")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
