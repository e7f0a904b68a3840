import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { DocumentSummary } from "@/components/document-summary";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useSharedWithMe } from "@/features/documents/api/documents";

/** The documents colleagues (of this practice or another) shared with me or my role; read-only. Share e-mails link here. */
export default function SharedWithMePage() {
  const { t } = useTranslation();
  const shared = useSharedWithMe();
  return (
    <Page title={t("sharing.withMeTitle")} description={t("sharing.withMeDescription")}>
      <Section title={t("documents.title")}>
        {shared.isPending ? (
          <LoadingState />
        ) : shared.isError ? (
          <ErrorState error={shared.error} onRetry={() => void shared.refetch()} />
        ) : shared.data.items.length === 0 ? (
          <p className="text-sm">{t("sharing.noneWithMe")}</p>
        ) : (
          <ul aria-label={t("sharing.withMeList")} className="divide-y divide-slate-200 dark:divide-slate-800">
            {shared.data.items.map((document) => (
              <li key={document.id} className="py-3 text-sm">
                <Link className="font-medium break-all text-teal-800 underline dark:text-teal-300" to={`/documents/${document.id}`}>
                  {document.title}
                </Link>
                <DocumentSummary document={document} />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </Page>
  );
}
