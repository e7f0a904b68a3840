import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "@/components/button";
import { Page, Section } from "@/components/page";
import { Pager } from "@/components/pager";
import { ErrorState, LoadingState } from "@/components/states";
import { inboxPageSize, useInbox, useMarkAllRead, useMarkRead, type InboxItem } from "@/features/inbox/api/inbox";
import { useSettings } from "@/lib/settings";

/** My inbox in the app: what my practice told me (a document shared with me, …), newest first; read, or all read at once. */
export default function InboxPage() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const inbox = useInbox(page, unreadOnly);
  const markAll = useMarkAllRead();
  const pages = inbox.data ? Math.max(1, Math.ceil(Number(inbox.data.total) / inboxPageSize)) : 1;
  return (
    <Page
      title={t("inbox.title")}
      description={inbox.data ? t("inbox.unread", { count: Number(inbox.data.unread) }) : t("inbox.description")}
      actions={
        inbox.data && Number(inbox.data.unread) > 0 ? (
          <Button variant="secondary" busy={markAll.isPending} onClick={() => markAll.mutate()}>
            {t("inbox.markAllRead")}
          </Button>
        ) : undefined
      }
    >
      <Section title={t("inbox.list")}>
        <label className="mb-3 flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(event) => {
              setUnreadOnly(event.target.checked);
              setPage(1);
            }}
          />
          {t("inbox.unreadOnly")}
        </label>
        {inbox.isPending ? (
          <LoadingState />
        ) : inbox.isError ? (
          <ErrorState error={inbox.error} onRetry={() => void inbox.refetch()} />
        ) : inbox.data.items.length === 0 ? (
          <p className="text-sm">{t("inbox.none")}</p>
        ) : (
          <ul aria-label={t("inbox.list")} className="divide-y divide-slate-200 dark:divide-slate-800">
            {inbox.data.items.map((item) => (
              <InboxRow key={item.id} item={item} />
            ))}
          </ul>
        )}
        {pages > 1 && <Pager label={t("inbox.pages")} page={page} pages={pages} onPage={setPage} />}
      </Section>
    </Page>
  );
}

function InboxRow({ item }: { item: InboxItem }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const markRead = useMarkRead();
  const subject = item.subject ?? item.category;
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 py-3 text-sm">
      <div className="min-w-0">
        <p className={item.readAt ? "break-words" : "font-semibold break-words"}>
          {subject}
          {!item.readAt && <span className="ml-2 rounded bg-teal-100 px-2 py-0.5 text-xs font-semibold text-teal-900 dark:bg-teal-950 dark:text-teal-100">{t("inbox.new")}</span>}
        </p>
        {item.body && <p className="break-words whitespace-pre-line">{item.body}</p>}
        {item.sentAt && <p className="text-slate-600 dark:text-slate-400">{format.dateTime(item.sentAt)}</p>}
      </div>
      {!item.readAt && (
        <Button variant="secondary" busy={markRead.isPending} onClick={() => markRead.mutate(item.id)} aria-label={`${t("inbox.markRead")}: ${subject}`}>
          {t("inbox.markRead")}
        </Button>
      )}
    </li>
  );
}
