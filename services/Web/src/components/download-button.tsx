import { useState } from "react";
import { useTranslation } from "react-i18next";
import { downloadDocument, type DocumentView } from "@/lib/documents";
import { Button } from "@/components/button";
import { ErrorState } from "@/components/states";

/** Saves a document (or one of its versions) under its file name; a refusal is shown beside the button. */
export function DownloadButton({ document, version, name }: { document: DocumentView; version?: { number: number | string; fileName: string | null }; name: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  return (
    <>
      <Button
        variant="secondary"
        busy={busy}
        aria-label={`${t("documents.download")}: ${name}`}
        onClick={() => {
          setBusy(true);
          setFailure(null);
          downloadDocument(document, version)
            .catch(setFailure)
            .finally(() => setBusy(false));
        }}
      >
        {t("documents.download")}
      </Button>
      {failure !== null && (
        <div className="w-full">
          <ErrorState error={failure} />
        </div>
      )}
    </>
  );
}
