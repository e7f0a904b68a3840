import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { ConfirmButton } from "@/components/confirm-button";
import { TextAreaField, TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page } from "@/components/page";
import { useDraft } from "@/hooks/use-draft";
import { useDeleteTemplate, usePreviewTemplate, useSaveTemplate, useTemplates, type Template } from "@/features/notifications/api/notifications";

/** The e-mail and SMS templates (Liquid): the system's defaults, and the organization's own variants of them. */
export default function TemplatesPage() {
  const { t } = useTranslation();
  const templates = useTemplates();
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <Page title={t("templates.title")} description={t("templates.description")}>
      {templates.isPending ? (
        <LoadingState />
      ) : templates.isError ? (
        <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
      ) : (
        <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
          <ul className="space-y-1" aria-label={t("templates.list")}>
            {templates.data.map((template) => {
              const id = `${template.key}|${template.locale}|${template.source}`;
              return (
                <li key={id}>
                  <button
                    type="button"
                    aria-pressed={selected === id}
                    onClick={() => setSelected(id)}
                    className="w-full rounded-md border border-slate-200 px-3 py-2 text-left text-sm hover:bg-slate-50 aria-pressed:border-teal-600 aria-pressed:bg-teal-50 dark:border-slate-800 dark:hover:bg-slate-900 dark:aria-pressed:bg-teal-950"
                  >
                    <span className="block font-mono">{template.key}</span>
                    <span className="text-xs text-slate-600 dark:text-slate-400">
                      {template.locale} · {t(`templates.source.${template.source}`, { defaultValue: template.source })}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
          <div>
            {(() => {
              const template = templates.data.find((tpl) => `${tpl.key}|${tpl.locale}|${tpl.source}` === selected);
              return template ? <TemplateEditor key={selected} template={template} /> : <p className="text-sm">{t("templates.pick")}</p>;
            })()}
          </div>
        </div>
      )}
    </Page>
  );
}

function TemplateEditor({ template }: { template: Template }) {
  const { t } = useTranslation();
  const [form, update, clearDraft, restored] = useDraft(`template.${template.key}.${template.locale}.${template.source}`, {
    locale: template.locale,
    subject: template.subject ?? "",
    textBody: template.textBody,
    htmlBody: template.htmlBody ?? "",
  });
  const save = useSaveTemplate();
  const remove = useDeleteTemplate();
  const preview = usePreviewTemplate();
  const error = isApiError(save.error) ? save.error : isApiError(preview.error) ? preview.error : null;
  const body = { subject: form.subject || null, textBody: form.textBody, htmlBody: form.htmlBody || null };
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ key: template.key, locale: form.locale, ...body }, { onSuccess: clearDraft });
      }}
    >
      <h2 className="font-mono text-lg">{template.key}</h2>
      {restored && <Alert tone="info" title={t("common.draftRestored")} />}
      <div className="max-w-xs">
        <TextField label={t("templates.locale")} value={form.locale} onChange={(e) => update({ locale: e.target.value })} errors={error?.fieldErrors("locale")} />
      </div>
      <TextField label={t("templates.subject")} value={form.subject} onChange={(e) => update({ subject: e.target.value })} errors={error?.fieldErrors("subject")} />
      <TextAreaField label={t("templates.textBody")} rows={8} value={form.textBody} onChange={(e) => update({ textBody: e.target.value })} errors={error?.fieldErrors("textBody")} />
      <TextAreaField label={t("templates.htmlBody")} rows={8} value={form.htmlBody} onChange={(e) => update({ htmlBody: e.target.value })} errors={error?.fieldErrors("htmlBody")} />
      {save.isSuccess && <Alert tone="success" title={t("common.saved")} />}
      {[save.error, remove.error, preview.error].map((e, i) => (e && (!isApiError(e) || e.kind !== "validation") ? <ErrorState key={i} error={e} /> : null))}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" busy={save.isPending}>
          {t("templates.saveVariant")}
        </Button>
        <Button variant="secondary" busy={preview.isPending} onClick={() => preview.mutate({ key: null, locale: form.locale, data: null, ...body })}>
          {t("templates.preview")}
        </Button>
        {template.source === "organization" && (
          <ConfirmButton busy={remove.isPending} onConfirm={() => remove.mutate({ key: template.key, locale: template.locale })}>
            {t("templates.restoreDefault")}
          </ConfirmButton>
        )}
      </div>
      {preview.data && (
        <section aria-label={t("templates.preview")} className="rounded-md border border-slate-200 p-4 dark:border-slate-800">
          <p className="font-semibold">{preview.data.subject}</p>
          <pre className="mt-2 text-sm whitespace-pre-wrap">{preview.data.textBody}</pre>
        </section>
      )}
    </form>
  );
}
