import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useSettings } from "@/lib/settings";
import { isApiError } from "@/lib/api/errors";
import { useAuth } from "@/lib/auth/auth";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState, LoadingState } from "@/components/states";
import { Page, Section } from "@/components/page";
import { isEmptySearch, usePatientSearch, type Patient, type PatientSearch } from "@/features/patients/api/patients";
import { RegisterPatientForm } from "@/features/patients/components/register-patient-form";
import { displayName, medicalRecordNumber } from "@/features/patients/patient-display";

/** Find a patient by name, birth date or identifier (the search is in the address, so Back returns to it); register one. */
export default function PatientsPage() {
  const { t } = useTranslation();
  const { hasPermission } = useAuth();
  const [params, setParams] = useSearchParams();
  const search: PatientSearch = { name: params.get("name") ?? "", birthDate: params.get("birthDate") ?? "", identifier: params.get("identifier") ?? "" };
  return (
    <Page title={t("patients.title")} description={t("patients.description")}>
      <Section title={t("patients.find")}>
        <SearchForm
          key={params.toString()}
          initial={search}
          onSearch={(next) => setParams(Object.fromEntries(Object.entries<string>({ ...next }).filter(([, value]) => value.trim() !== "")))}
        />
        <SearchResults search={search} />
      </Section>
      {hasPermission("patients:write") && (
        <Section title={t("patients.registerTitle")} description={t("patients.registerDescription")}>
          <RegisterPatientForm />
        </Section>
      )}
    </Page>
  );
}

function SearchForm({ initial, onSearch }: { initial: PatientSearch; onSearch: (search: PatientSearch) => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState(initial);
  return (
    <form
      role="search"
      aria-label={t("patients.find")}
      className="grid items-end gap-4 sm:grid-cols-[2fr_1fr_1fr_auto]"
      onSubmit={(e) => {
        e.preventDefault();
        onSearch(form);
      }}
    >
      <TextField label={t("patients.searchName")} type="search" autoComplete="off" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
      <TextField label={t("patients.birthDate")} type="date" value={form.birthDate} onChange={(e) => setForm({ ...form, birthDate: e.target.value })} />
      <TextField label={t("patients.identifier")} autoComplete="off" value={form.identifier} onChange={(e) => setForm({ ...form, identifier: e.target.value })} />
      <Button type="submit">{t("patients.search")}</Button>
    </form>
  );
}

function SearchResults({ search }: { search: PatientSearch }) {
  const { t } = useTranslation();
  const results = usePatientSearch(search);
  if (isEmptySearch(search)) return <p className="text-sm text-slate-600 dark:text-slate-300">{t("patients.searchHint")}</p>;
  if (results.isPending) return <LoadingState />;
  if (results.isError) {
    const error = isApiError(results.error) ? results.error : null;
    const messages = error?.hasFieldErrors ? Object.values(error.problem?.errors ?? {}).flat() : [];
    return messages.length > 0 ? (
      <ul role="alert" className="text-sm text-red-700 dark:text-red-400">
        {messages.map((m) => <li key={m}>{m}</li>)}
      </ul>
    ) : (
      <ErrorState error={results.error} onRetry={() => void results.refetch()} />
    );
  }
  const { items, total } = results.data;
  if (items.length === 0) return <p className="text-sm">{t("patients.noMatch")}</p>;
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
        {t("patients.found", { count: Number(total) })}
      </p>
      <ul aria-label={t("patients.results")} className="divide-y divide-slate-200 dark:divide-slate-800">
        {items.map((patient) => (
          <PatientRow key={patient.id} patient={patient} />
        ))}
      </ul>
    </div>
  );
}

function PatientRow({ patient }: { patient: Patient }) {
  const { t } = useTranslation();
  const { format } = useSettings();
  const mrn = medicalRecordNumber(patient);
  return (
    <li className="flex flex-wrap items-baseline justify-between gap-2 py-3 text-sm">
      <Link className="font-medium text-teal-800 underline dark:text-teal-300" to={`/patients/${patient.id}`} state={{ fromSearch: true }}>
        {displayName(patient)}
      </Link>
      <span className="text-slate-600 dark:text-slate-400">
        {[patient.birthDate ? t("patients.born", { date: format.calendarDate(patient.birthDate) }) : null, mrn ? t("patients.mrn", { mrn }) : null]
          .filter(Boolean)
          .join(" · ")}
      </span>
    </li>
  );
}
