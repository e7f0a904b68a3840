import { Link, useLocation, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { useAuth } from "@/lib/auth/auth";
import { documentCategories, isDocumentCategory, type DocumentView } from "@/lib/documents";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { SelectField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Pager } from "@/components/pager";
import { Page, Section } from "@/components/page";
import { pageSize, useDeletedDocuments, useDocuments, useUndeleteDocument, type DeletedDocument } from "@/features/documents/api/documents";
import { DocumentSummary } from "@/components/document-summary";

/** The practice's documents, newest first, by category, a page at a time; deleted ones an administrator can restore. */
export default function DocumentsPage() {
  const { t } = useTranslation();
  const { hasPermission } = useAuth();
  const [params, setParams] = useSearchParams();
  const deleted = (useLocation().state as { deleted?: string } | null)?.deleted;
  const category = params.get("category") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const go = (next: { category?: string; page?: number }) => {
    const merged = { category, page, ...next };
    setParams(Object.fromEntries(Object.entries({ category: merged.category, page: merged.page > 1 ? String(merged.page) : "" }).filter(([, v]) => v !== "")));
  };
  return (
    <Page title={t("documents.practiceTitle")} description={t("documents.practiceDescription")}>
      {deleted && <Alert tone="success" title={t("documents.deleted", { title: deleted })} />}
      <Section title={t("documents.title")}>
        <div className="max-w-xs">
          <SelectField label={t("documents.category")} value={category} onChange={(e) => go({ category: e.target.value, page: 1 })}>
            <option value="">{t("documents.allCategories")}</option>
            {documentCategories.map((c) => (
              <option key={c} value={c}>
                {t(`documents.categories.${c}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <DocumentPage category={category} page={page} onPage={(next) => go({ page: next })} />
      </Section>
      {hasPermission("org:manage") && <DeletedDocuments />}
    </Page>
  );
}

function DocumentPage({ category, page, onPage }: { category: string; page: number; onPage: (page: number) => void }) {
  const { t } = useTranslation();
  const documents = useDocuments(category, page);
  if (documents.isPending) return <LoadingState />;
  if (documents.isError) return <ErrorState error={documents.error} onRetry={() => void documents.refetch()} />;
  const { items, total } = documents.data;
  const pages = Math.max(1, Math.ceil(Number(total) / pageSize));
  if (items.length === 0) return <p className="text-sm">{t("documents.noneInPractice")}</p>;
  return (
    <div className="space-y-3">
      <ul aria-label={t("documents.list")} className="divide-y divide-slate-200 dark:divide-slate-800">
        {items.map((document) => (
          <li key={document.id} className="py-3 text-sm">
            <DocumentLink document={document} />
          </li>
        ))}
      </ul>
      <Pager label={t("documents.pages")} page={page} pages={pages} onPage={onPage} />
    </div>
  );
}

function DocumentLink({ document }: { document: DocumentView }) {
  return (
    <>
      <Link className="font-medium break-all text-teal-800 underline dark:text-teal-300" to={`/documents/${document.id}`}>
        {document.title}
      </Link>
      <DocumentSummary document={document} />
    </>
  );
}

/** Deleted documents (org:manage): each can be restored until its purge date. */
function DeletedDocuments() {
  const { t } = useTranslation();
  const deleted = useDeletedDocuments(true);
  return (
    <Section title={t("documents.deletedTitle")} description={t("documents.deletedDescription")}>
      {deleted.isPending ? (
        <LoadingState />
      ) : deleted.isError ? (
        <ErrorState error={deleted.error} onRetry={() => void deleted.refetch()} />
      ) : deleted.data.length === 0 ? (
        <p className="text-sm">{t("documents.noneDeleted")}</p>
      ) : (
        <ul aria-label={t("documents.deletedList")} className="divide-y divide-slate-200 dark:divide-slate-800">
          {deleted.data.map((entry) => (
            <DeletedRow key={entry.document.id} entry={entry} />
          ))}
        </ul>
      )}
    </Section>
  );
}

function DeletedRow({ entry }: { entry: DeletedDocument }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const undelete = useUndeleteDocument();
  const { document } = entry;
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
      <div className="min-w-0">
        <p className="font-medium break-all">{document.title}</p>
        <p className="text-slate-600 dark:text-slate-400">
          {isDocumentCategory(document.category) ? t(`documents.categories.${document.category}`) : document.category} ·{" "}
          {t("documents.purgedAfter", { date: format.dateTime(entry.purgeAfter) })}
        </p>
      </div>
      <Button variant="secondary" busy={undelete.isPending} onClick={() => undelete.mutate(document.id)} aria-label={`${t("documents.undelete")}: ${document.title}`}>
        {t("documents.undelete")}
      </Button>
      {undelete.isError && (
        <div className="w-full">
          <ErrorState error={undelete.error} />
        </div>
      )}
    </li>
  );
}
