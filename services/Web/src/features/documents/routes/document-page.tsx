import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { useAuth } from "@/lib/auth/auth";
import type { DocumentView } from "@/lib/documents";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { ConfirmButton } from "@/components/confirm-button";
import { DocumentSummary } from "@/components/document-summary";
import { DownloadButton } from "@/components/download-button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { useDeleteDocument, useDocument, useDocumentVersions, useRestoreVersion, useUploadVersion } from "@/features/documents/api/documents";
import { DocumentSharing } from "@/features/documents/components/document-sharing";

/** One document: its versions (download, restore, a new one), deletion, and sharing with people and by link. */
export default function DocumentPage() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const document = useDocument(id);
  if (document.isPending) return <LoadingState />;
  if (document.isError) {
    return (
      <Page title={t("documents.document")}>
        <ErrorState error={document.error} onRetry={() => void document.refetch()} />
        <BackToDocuments />
      </Page>
    );
  }
  return <DocumentDetails document={document.data} />;
}

function BackToDocuments() {
  const { t } = useTranslation();
  return (
    <Link className="text-sm font-medium text-teal-800 underline dark:text-teal-300" to="/documents">
      {t("documents.back")}
    </Link>
  );
}

function DocumentDetails({ document }: { document: DocumentView }) {
  const { t } = useTranslation();
  const { hasPermission, claims } = useAuth();
  // A document shared from another organization is read-only here: writes never go through a share.
  const own = document.organizationId === claims?.orgId;
  const canWrite = own && hasPermission("documents:write");
  return (
    <Page title={document.title} actions={<BackToDocuments />}>
      <Section title={t("documents.details")}>
        <DocumentSummary document={document} />
        {document.patientId && own && (
          <Link className="text-sm font-medium text-teal-800 underline dark:text-teal-300" to={`/patients/${document.patientId}`}>
            {t("documents.openChart")}
          </Link>
        )}
        <div className="flex flex-wrap gap-3">
          <DownloadButton document={document} name={document.title} />
          {canWrite && <DeleteDocument document={document} />}
        </div>
      </Section>
      <Section title={t("documents.versions")}>
        {canWrite && <NewVersionForm document={document} />}
        <Versions document={document} canRestore={canWrite} />
      </Section>
      {own && hasPermission("documents:share") && <DocumentSharing document={document} />}
    </Page>
  );
}

function DeleteDocument({ document }: { document: DocumentView }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const remove = useDeleteDocument(document);
  return (
    <>
      <ConfirmButton busy={remove.isPending} confirmLabel={t("documents.confirmDelete")} onConfirm={() => remove.mutate(undefined, { onSuccess: () => void navigate("/documents", { state: { deleted: document.title } }) })}>
        {t("common.delete")}
      </ConfirmButton>
      {remove.isError && (
        <div className="w-full">
          <ErrorState error={remove.error} />
        </div>
      )}
    </>
  );
}

function NewVersionForm({ document }: { document: DocumentView }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [uploads, setUploads] = useState(0);
  const upload = useUploadVersion(document);
  const error = isApiError(upload.error) ? upload.error : null;
  return (
    <form
      aria-label={t("documents.newVersion")}
      className="grid items-end gap-4 border-b border-slate-200 pb-4 sm:grid-cols-[1fr_auto] dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        upload.mutate(file, {
          onSuccess: () => {
            setFile(null);
            setUploads((n) => n + 1);
          },
        });
      }}
    >
      <TextField key={uploads} label={t("documents.versionFile")} type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} errors={error?.fieldErrors("file")} />
      <Button type="submit" busy={upload.isPending} disabled={!file}>
        {t("documents.newVersion")}
      </Button>
      {upload.isSuccess && <Alert tone="success" className="sm:col-span-2" title={t("documents.versionUploaded", { number: Number(upload.data.currentVersion) })} />}
      {upload.isError && !error?.hasFieldErrors && (
        <div className="sm:col-span-2">
          <ErrorState error={upload.error} />
        </div>
      )}
    </form>
  );
}

function Versions({ document, canRestore }: { document: DocumentView; canRestore: boolean }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const versions = useDocumentVersions(document.id);
  const restore = useRestoreVersion(document);
  if (versions.isPending) return <LoadingState />;
  if (versions.isError) return <ErrorState error={versions.error} onRetry={() => void versions.refetch()} />;
  const current = Number(document.currentVersion);
  return (
    <>
      {restore.isSuccess && <Alert tone="success" title={t("documents.versionRestored", { number: Number(restore.data.currentVersion) })} />}
      {restore.isError && <ErrorState error={restore.error} />}
      <ul aria-label={t("documents.versionList")} className="divide-y divide-slate-200 dark:divide-slate-800">
        {versions.data.map((version) => {
          const number = Number(version.number);
          const label = t("documents.versionNumber", { number });
          return (
            <li key={number} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
              <div className="min-w-0">
                <p className="font-medium">
                  {label}
                  {number === current && ` (${t("documents.current")})`}
                </p>
                <p className="text-slate-600 dark:text-slate-400">
                  {version.fileName ?? version.mediaType} · {t("documents.size", { size: format.number(Math.ceil(Number(version.sizeBytes) / 1024)) })} · {format.dateTime(version.createdAt)}
                  {version.restoredFrom != null && ` · ${t("documents.restoredFrom", { number: Number(version.restoredFrom) })}`}
                </p>
              </div>
              <div className="flex flex-wrap gap-2">
                <DownloadButton document={document} version={version} name={label} />
                {canRestore && number !== current && (
                  <ConfirmButton variant="primary" busy={restore.isPending && restore.variables === number} onConfirm={() => restore.mutate(number)} confirmLabel={t("documents.confirmRestore", { number })}
                    aria-label={`${t("documents.restore")}: ${label}`}
                  >
                    {t("documents.restore")}
                  </ConfirmButton>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </>
  );
}
