import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useQuery } from "@tanstack/react-query";
import { useSettings } from "@/lib/settings";
import { useAuth } from "@/lib/auth/auth";
import { data, identityApi } from "@/lib/api/client";
import { ErrorState, LoadingState } from "@/components/states";
import { Pager } from "@/components/pager";
import { Section } from "@/components/page";
import { usePatientAccessLog, type AccessRecord } from "@/features/patients/api/patients";

const phiActions = ["read", "vread", "search", "search-hit-opened", "create", "update", "delete", "restore", "purge", "merge", "download", "share", "revoke", "export"] as const;
type PhiAction = (typeof phiActions)[number];
const isPhiAction = (value: string): value is PhiAction => (phiActions as readonly string[]).includes(value);

/** Names for the user ids of the log, when the reader may list the practice's members (else the ids are shown). */
function useMemberNames(enabled: boolean): Map<string, string> {
  const members = useQuery({ queryKey: ["patients", "members"], enabled, queryFn: () => data(identityApi.GET("/api/organizations/current/members", { params: { query: {} } })) });
  return new Map((members.data ?? []).map((m) => [m.userId, [m.givenName, m.familyName].filter(Boolean).join(" ") || m.email]));
}

/** "Who looked at this record": Content's PHI access audit for this patient, newest first (audit:read). */
export function AccessLog({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const log = usePatientAccessLog(patientId, page);
  return (
    <Section title={t("accessLog.title")} description={t("accessLog.description")}>
      {log.isPending ? (
        <LoadingState />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <>
          <AccessTable records={log.data.items} />
      <Pager label={t("accessLog.pages")} page={page} pages={Math.max(1, Math.ceil(Number(log.data.total) / 20))} onPage={setPage} />
        </>
      )}
    </Section>
  );
}

function AccessTable({ records }: { records: AccessRecord[] }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const { hasPermission } = useAuth();
  const names = useMemberNames(hasPermission("users:read"));
  if (records.length === 0) return <p className="text-sm">{t("accessLog.none")}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{t("accessLog.title")}</caption>
        <thead>
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th scope="col" className="py-2 pr-4 font-medium">{t("accessLog.when")}</th>
            <th scope="col" className="py-2 pr-4 font-medium">{t("accessLog.who")}</th>
            <th scope="col" className="py-2 pr-4 font-medium">{t("accessLog.action")}</th>
            <th scope="col" className="py-2 pr-4 font-medium">{t("accessLog.what")}</th>
            <th scope="col" className="py-2 font-medium">{t("accessLog.from")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">
          {records.map((record) => (
            <tr key={String(record.sequence)}>
              <td className="py-2 pr-4 whitespace-nowrap">{format.dateTime(record.occurredAt)}</td>
              <td className="py-2 pr-4 break-all">{record.userId ? (names.get(record.userId) ?? record.userId) : (record.clientId ?? t("accessLog.nobody"))}</td>
              <td className="py-2 pr-4">{isPhiAction(record.action) ? t(`accessLog.actions.${record.action}`) : record.action}</td>
              <td className="py-2 pr-4">{record.resourceType}</td>
              <td className="py-2">{record.ipAddress ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
