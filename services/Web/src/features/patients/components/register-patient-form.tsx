import { useState } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { isApiError, type ApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { SelectField, TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { useRegisterPatient } from "@/features/patients/api/patients";
import { displayName, genders, medicalRecordNumber } from "@/features/patients/patient-display";

const empty = { family: "", given: "", birthDate: "", gender: "" };

/** The messages of a ValidationProblem for the fields a form input stands for (Content names them by JSON path). */
function errorsOf(error: ApiError | null, ...fields: string[]): string[] | undefined {
  if (!error) return undefined;
  const messages = fields.flatMap((field) => error.fieldErrors(field));
  return messages.length > 0 ? messages : undefined;
}

/** Registers a patient with a name, a birth date and a gender; Content assigns the practice's record number. */
export function RegisterPatientForm() {
  const { t } = useTranslation();
  const [form, setForm] = useState(empty);
  const register = useRegisterPatient();
  const error = isApiError(register.error) ? register.error : null;
  const update = (change: Partial<typeof empty>) => setForm((current) => ({ ...current, ...change }));
  return (
    <form
      aria-label={t("patients.registerTitle")}
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const given = form.given.split(/\s+/).filter(Boolean);
        register.mutate(
          {
            names: [{ use: "official", family: form.family.trim() || null, given }],
            birthDate: form.birthDate || null,
            gender: form.gender || null,
            active: true,
            identifiers: null,
            telecom: null,
            addresses: null,
          },
          { onSuccess: () => setForm(empty) },
        );
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label={t("patients.family")}
          autoComplete="off"
          value={form.family}
          onChange={(e) => update({ family: e.target.value })}
          errors={errorsOf(error, "names", "names[0]", "names[0].family")}
        />
        <TextField label={t("patients.given")} autoComplete="off" value={form.given} onChange={(e) => update({ given: e.target.value })} errors={errorsOf(error, "names[0].given[0]", "names[0].given")} />
        <TextField label={t("patients.birthDate")} type="date" value={form.birthDate} onChange={(e) => update({ birthDate: e.target.value })} errors={errorsOf(error, "birthDate")} />
        <SelectField label={t("patients.gender")} value={form.gender} onChange={(e) => update({ gender: e.target.value })} errors={errorsOf(error, "gender")}>
          <option value="">{t("patients.genderNotStated")}</option>
          {genders.map((gender) => (
            <option key={gender} value={gender}>
              {t(`patients.genders.${gender}`)}
            </option>
          ))}
        </SelectField>
      </div>
      {register.isSuccess && (
        <Alert tone="success" title={t("patients.registered", { name: displayName(register.data), mrn: medicalRecordNumber(register.data) ?? "—" })}>
          <Link className="font-medium underline" to={`/patients/${register.data.id}`}>
            {t("patients.openChart")}
          </Link>
        </Alert>
      )}
      {register.isError && !error?.hasFieldErrors && <ErrorState error={register.error} />}
      <Button type="submit" busy={register.isPending}>
        {t("patients.register")}
      </Button>
    </form>
  );
}
