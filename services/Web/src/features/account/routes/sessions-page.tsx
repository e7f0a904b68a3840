import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { Alert } from "@/components/alert";
import { ConfirmButton } from "@/components/confirm-button";
import { ErrorState, LoadingState } from "@/components/states";
import { Page } from "@/components/page";
import { useRevokeOtherSessions, useRevokeSession, useSessions } from "@/features/account/api/account";

/** The user's active sessions (one per sign-in), and ending them. */
export default function SessionsPage() {
  const { t } = useTranslation();
  const { format } = useSettings();
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const revokeOthers = useRevokeOtherSessions();
  return (
    <Page
      title={t("sessions.title")}
      description={t("sessions.description")}
      actions={
        <ConfirmButton busy={revokeOthers.isPending} onConfirm={() => revokeOthers.mutate()}>
          {t("sessions.revokeOthers")}
        </ConfirmButton>
      }
    >
      {revokeOthers.isSuccess && <Alert tone="success" title={t("sessions.revokedOthers", { count: Number(revokeOthers.data.count) })} />}
      {revokeOthers.isError && <ErrorState error={revokeOthers.error} />}
      {revoke.isError && <ErrorState error={revoke.error} />}
      {sessions.isPending ? (
        <LoadingState />
      ) : sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
          {sessions.data.map((session) => (
            <li key={session.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
              <div className="min-w-0 text-sm">
                <p className="font-medium break-words">
                  {session.device ?? t("sessions.unknownDevice")}
                  {session.current && <span className="ml-2 rounded bg-teal-100 px-1.5 py-0.5 text-xs text-teal-900 dark:bg-teal-900 dark:text-teal-100">{t("sessions.current")}</span>}
                </p>
                <p className="text-slate-600 dark:text-slate-400">
                  {t("sessions.detail", { ip: session.ipAddress ?? "-", created: format.dateTime(session.createdAt), lastSeen: format.dateTime(session.lastSeenAt) })}
                </p>
              </div>
              {!session.current && (
                <ConfirmButton busy={revoke.isPending && revoke.variables === session.id} onConfirm={() => revoke.mutate(session.id)}>
                  {t("sessions.revoke")}
                  <span className="sr-only">: {session.device ?? t("sessions.unknownDevice")}</span>
                </ConfirmButton>
              )}
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
