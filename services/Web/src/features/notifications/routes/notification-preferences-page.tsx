import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useNotificationPreferences, useSaveNotificationPreferences, type NotificationPreferences } from "@/features/notifications/api/notifications";

const channels = ["email", "sms", "push"] as const;

export default function NotificationPreferencesPage() {
  const { t } = useTranslation();
  const preferences = useNotificationPreferences();
  return (
    <Page title={t("notificationPreferences.title")} description={t("notificationPreferences.description")}>
      {preferences.isPending ? (
        <LoadingState />
      ) : preferences.isError ? (
        <ErrorState error={preferences.error} onRetry={() => void preferences.refetch()} />
      ) : (
        <PreferencesForm initial={preferences.data} />
      )}
    </Page>
  );
}

/** "HH:mm:ss" from the API as "HH:mm" for a time input, and back. */
const toInput = (time: string | null) => time?.slice(0, 5) ?? "";
const fromInput = (time: string) => (time ? `${time}:00` : null);

function PreferencesForm({ initial }: { initial: NotificationPreferences }) {
  const { t } = useTranslation();
  const [form, setForm] = useState(initial);
  const [newCategory, setNewCategory] = useState("");
  const save = useSaveNotificationPreferences();
  const error = isApiError(save.error) ? save.error : null;
  const categories = [...new Set(form.channels.map((c) => c.category))];
  const enabled = (category: string, channel: string) => form.channels.find((c) => c.category === category && c.channel === channel)?.enabled ?? true;
  const toggle = (category: string, channel: string, value: boolean) =>
    setForm({ ...form, channels: [...form.channels.filter((c) => !(c.category === category && c.channel === channel)), { category, channel, enabled: value }] });
  return (
    <form
      className="space-y-6"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(form);
      }}
    >
      <Section title={t("notificationPreferences.quietHours")} description={t("notificationPreferences.quietHoursDescription")}>
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField label={t("notificationPreferences.quietStart")} type="time" value={toInput(form.quietHoursStart)} onChange={(e) => setForm({ ...form, quietHoursStart: fromInput(e.target.value) })} errors={error?.fieldErrors("quietHoursStart")} />
          <TextField label={t("notificationPreferences.quietEnd")} type="time" value={toInput(form.quietHoursEnd)} onChange={(e) => setForm({ ...form, quietHoursEnd: fromInput(e.target.value) })} errors={error?.fieldErrors("quietHoursEnd")} />
          <TextField label={t("fields.timeZone")} value={form.timeZone ?? ""} placeholder="Europe/Paris" onChange={(e) => setForm({ ...form, timeZone: e.target.value || null })} errors={error?.fieldErrors("timeZone")} />
        </div>
      </Section>
      <Section title={t("notificationPreferences.channels")} description={t("notificationPreferences.channelsDescription")}>
        {categories.length > 0 && (
          <div className="overflow-x-auto">
            <table className="text-sm">
              <caption className="sr-only">{t("notificationPreferences.channels")}</caption>
              <thead>
                <tr>
                  <th scope="col" className="py-2 pr-6 text-left">{t("notificationPreferences.category")}</th>
                  {channels.map((channel) => (
                    <th key={channel} scope="col" className="px-3 py-2">{t(`notificationPreferences.channel.${channel}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {categories.map((category) => (
                  <tr key={category}>
                    <th scope="row" className="py-2 pr-6 text-left font-mono font-normal">{category}</th>
                    {channels.map((channel) => (
                      <td key={channel} className="px-3 py-2 text-center">
                        <input
                          type="checkbox"
                          className="size-4 accent-teal-700"
                          aria-label={t("notificationPreferences.receive", { category, channel: t(`notificationPreferences.channel.${channel}`) })}
                          checked={enabled(category, channel)}
                          onChange={(e) => toggle(category, channel, e.target.checked)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="flex flex-wrap items-end gap-2">
          <div className="max-w-xs">
            <TextField label={t("notificationPreferences.addCategory")} value={newCategory} placeholder="appointment-reminder" onChange={(e) => setNewCategory(e.target.value)} />
          </div>
          <Button
            variant="secondary"
            disabled={!newCategory.trim() || categories.includes(newCategory.trim())}
            onClick={() => {
              toggle(newCategory.trim(), "email", true);
              setNewCategory("");
            }}
          >
            {t("common.add")}
          </Button>
        </div>
      </Section>
      {save.isSuccess && <Alert tone="success" title={t("common.saved")} />}
      {save.isError && error?.kind !== "validation" && <ErrorState error={save.error} />}
      {error?.kind === "validation" && <ErrorState error={save.error} />}
      <Button type="submit" busy={save.isPending}>
        {t("common.save")}
      </Button>
    </form>
  );
}
