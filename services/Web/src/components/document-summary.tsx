import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { isDocumentCategory, type DocumentView } from "@/lib/documents";

/** A document's category, file, size and date on one line. */
export function DocumentSummary({ document }: { document: DocumentView }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  return (
    <p className="text-slate-600 dark:text-slate-400">
      {isDocumentCategory(document.category) ? t(`documents.categories.${document.category}`) : document.category} · {document.fileName ?? document.mediaType} ·{" "}
      {t("documents.size", { size: format.number(Math.ceil(Number(document.sizeBytes) / 1024)) })} · {format.dateTime(document.createdAt)}
    </p>
  );
}
