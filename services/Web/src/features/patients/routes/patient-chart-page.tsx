import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { SelectField, TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { documentCategories, type DocumentCategory, type DocumentView } from "@/lib/documents";
import { DocumentSummary } from "@/components/document-summary";
import { DownloadButton } from "@/components/download-button";
import { usePatient, usePatientDocuments, useUploadDocument, type Patient } from "@/features/patients/api/patients";
import { AccessLog } from "@/features/patients/components/access-log";
import { displayName, isGender, medicalRecordNumber } from "@/features/patients/patient-display";

/** A patient's chart: who they are, and their documents (listed newest first, uploaded, downloaded). */
export default function PatientChartPage() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const fromSearch = (useLocation().state as { fromSearch?: boolean } | null)?.fromSearch === true;
  const patient = usePatient(id, fromSearch);
  if (patient.isPending) return <LoadingState />;
  if (patient.isError) {
    return (
      <Page title={t("patients.chart")}>
        <ErrorState error={patient.error} onRetry={() => void patient.refetch()} />
        <BackToPatients />
      </Page>
    );
  }
  return <Chart patient={patient.data} />;
}

function BackToPatients() {
  const { t } = useTranslation();
  return (
    <Link className="text-sm font-medium text-teal-800 underline dark:text-teal-300" to="/patients">
      {t("patients.back")}
    </Link>
  );
}

function Chart({ patient }: { patient: Patient }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const { hasPermission } = useAuth();
  const mrn = medicalRecordNumber(patient);
  return (
    <Page title={displayName(patient)} actions={<BackToPatients />}>
      <Section title={t("patients.details")}>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          <dt className="font-medium">{t("patients.mrnLabel")}</dt>
          <dd>{mrn ?? "—"}</dd>
          <dt className="font-medium">{t("patients.birthDate")}</dt>
          <dd>{patient.birthDate ? format.calendarDate(patient.birthDate) : "—"}</dd>
          <dt className="font-medium">{t("patients.gender")}</dt>
          <dd>{isGender(patient.gender) ? t(`patients.genders.${patient.gender}`) : "—"}</dd>
        </dl>
      </Section>
      {hasPermission("documents:read") && (
        <Section title={t("documents.title")}>
          {hasPermission("documents:write") && <UploadForm patientId={patient.id} />}
          <DocumentList patientId={patient.id} />
        </Section>
      )}
      {hasPermission("audit:read") && <AccessLog patientId={patient.id} />}
    </Page>
  );
}

function UploadForm({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState("");
  const [category, setCategory] = useState<DocumentCategory>("clinical-note");
  const [file, setFile] = useState<File | null>(null);
  // A new key empties the file input after an upload (its value cannot be set).
  const [uploads, setUploads] = useState(0);
  const upload = useUploadDocument();
  const error = isApiError(upload.error) ? upload.error : null;
  return (
    <form
      aria-label={t("documents.upload")}
      className="grid items-end gap-4 border-b border-slate-200 pb-4 sm:grid-cols-2 dark:border-slate-800"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        upload.mutate(
          { patientId, title, category, file },
          {
            onSuccess: () => {
              setTitle("");
              setFile(null);
              setUploads((n) => n + 1);
            },
          },
        );
      }}
    >
      <TextField key={uploads} label={t("documents.file")} type="file" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} errors={error?.fieldErrors("file")} />
      <TextField label={t("documents.documentTitle")} hint={t("documents.titleHint")} value={title} onChange={(e) => setTitle(e.target.value)} errors={error?.fieldErrors("title")} />
      <SelectField label={t("documents.category")} value={category} onChange={(e) => setCategory(e.target.value as DocumentCategory)} errors={error?.fieldErrors("category")}>
        {documentCategories.map((c) => (
          <option key={c} value={c}>
            {t(`documents.categories.${c}`)}
          </option>
        ))}
      </SelectField>
      <div>
        <Button type="submit" busy={upload.isPending} disabled={!file}>
          {t("documents.upload")}
        </Button>
      </div>
      {upload.isSuccess && <Alert tone="success" className="sm:col-span-2" title={t("documents.uploaded", { title: upload.data.title })} />}
      {upload.isError && !error?.hasFieldErrors && (
        <div className="sm:col-span-2">
          <ErrorState error={upload.error} />
        </div>
      )}
      {error?.hasFieldErrors && error.fieldErrors("patientId").map((m) => <p key={m} className="text-sm text-red-700 sm:col-span-2 dark:text-red-400">{m}</p>)}
    </form>
  );
}

function DocumentList({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const documents = usePatientDocuments(patientId);
  if (documents.isPending) return <LoadingState />;
  if (documents.isError) return <ErrorState error={documents.error} onRetry={() => void documents.refetch()} />;
  if (documents.data.items.length === 0) return <p className="text-sm">{t("documents.none")}</p>;
  return (
    <ul aria-label={t("documents.list")} className="divide-y divide-slate-200 dark:divide-slate-800">
      {documents.data.items.map((document) => (
        <DocumentRow key={document.id} document={document} />
      ))}
    </ul>
  );
}

function DocumentRow({ document }: { document: DocumentView }) {
  return (
    <li className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
      <div className="min-w-0">
        <Link className="font-medium break-all text-teal-800 underline dark:text-teal-300" to={`/documents/${document.id}`}>
          {document.title}
        </Link>
        <DocumentSummary document={document} />
      </div>
      <DownloadButton document={document} name={document.title} />
    </li>
  );
}
