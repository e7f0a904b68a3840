import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page } from "@/components/page";
import { useAuditEvents, useVerifyAuditTrail, type AuditQuery } from "@/features/organization/api/organization";

const pageSize = 25;

/** The organization's security audit trail, newest first, with its hash chain's check. */
export default function AuditPage() {
  const { t } = useTranslation();
  const { format } = useSettings();
  const [filters, setFilters] = useState({ action: "", from: "", to: "" });
  const [query, setQuery] = useState<AuditQuery>({ page: 1, pageSize });
  const events = useAuditEvents(query);
  const verify = useVerifyAuditTrail();
  const total = Number(events.data?.total ?? 0);
  const page = Number(query.page ?? 1);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Page
      title={t("audit.title")}
      description={t("audit.description")}
      actions={
        <Button variant="secondary" busy={verify.isPending} onClick={() => verify.mutate()}>
          {t("audit.verify")}
        </Button>
      }
    >
      {verify.data &&
        (verify.data.valid ? (
          <Alert tone="success" title={t("audit.valid", { count: Number(verify.data.entries), entries: format.number(verify.data.entries) })} />
        ) : (
          <Alert tone="error" title={t("audit.broken", { sequence: String(verify.data.firstBrokenSequence) })} />
        ))}
      {verify.isError && <ErrorState error={verify.error} />}
      <form
        className="grid gap-3 sm:grid-cols-4 sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({
            page: 1,
            pageSize,
            action: filters.action || undefined,
            from: filters.from ? new Date(filters.from).toISOString() : undefined,
            to: filters.to ? new Date(filters.to).toISOString() : undefined,
          });
        }}
      >
        <TextField label={t("audit.action")} placeholder="login.failed" value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.target.value })} />
        <TextField label={t("audit.from")} type="datetime-local" value={filters.from} onChange={(e) => setFilters({ ...filters, from: e.target.value })} />
        <TextField label={t("audit.to")} type="datetime-local" value={filters.to} onChange={(e) => setFilters({ ...filters, to: e.target.value })} />
        <Button type="submit" variant="secondary">
          {t("audit.filter")}
        </Button>
      </form>
      {events.isPending ? (
        <LoadingState />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800">
            <table className="min-w-full divide-y divide-slate-200 text-left text-sm dark:divide-slate-800">
              <caption className="sr-only">{t("audit.title")}</caption>
              <thead className="bg-slate-50 dark:bg-slate-900">
                <tr>
                  {["when", "action", "outcome", "actor", "ip", "reason"].map((column) => (
                    <th key={column} scope="col" className="px-3 py-2 font-semibold whitespace-nowrap">
                      {t(`audit.columns.${column}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 bg-white dark:divide-slate-800 dark:bg-slate-950">
                {events.data.items.map((event) => (
                  <tr key={String(event.sequence)}>
                    <td className="px-3 py-2 whitespace-nowrap">{format.dateTime(event.occurredAt)}</td>
                    <td className="px-3 py-2 font-mono">{event.action}</td>
                    <td className="px-3 py-2">{event.outcome}</td>
                    <td className="px-3 py-2 font-mono text-xs">{event.actorUserId ?? event.clientId ?? "-"}</td>
                    <td className="px-3 py-2">{event.ipAddress ?? "-"}</td>
                    <td className="px-3 py-2">{event.reason ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label={t("audit.pages")} className="flex items-center gap-3 text-sm">
            <Button variant="secondary" disabled={page <= 1} onClick={() => setQuery({ ...query, page: page - 1 })}>
              {t("common.previous")}
            </Button>
            <span>{t("audit.pageOf", { page: format.number(page), pages: format.number(pages), total: format.number(total) })}</span>
            <Button variant="secondary" disabled={page >= pages} onClick={() => setQuery({ ...query, page: page + 1 })}>
              {t("common.next")}
            </Button>
          </nav>
        </>
      )}
    </Page>
  );
}
