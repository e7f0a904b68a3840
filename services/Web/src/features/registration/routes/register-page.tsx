import { useState } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { PublicPage } from "@/components/page";
import { useDraft } from "@/hooks/use-draft";
import { useRegister } from "@/features/registration/api/registration";
import { ResendVerification } from "@/features/registration/components/resend-verification";

/** Registers a practice and its first administrator; Identity then sends the verification e-mail. */
export default function RegisterPage() {
  const { t } = useTranslation();
  const [form, update, clearDraft] = useDraft("register", { organizationName: "", givenName: "", familyName: "", email: "" });
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const register = useRegister();
  const fieldErrors = (field: string) => (isApiError(register.error) ? register.error.fieldErrors(field) : []);

  if (register.isSuccess) {
    return (
      <PublicPage title={t("registration.checkInboxTitle")}>
        <Alert tone="success" title={t("registration.checkInbox", { email: form.email })} />
        <div className="mt-6 space-y-2">
          <p className="text-sm">{t("registration.noEmail")}</p>
          <ResendVerification email={form.email} />
        </div>
      </PublicPage>
    );
  }

  return (
    <PublicPage title={t("registration.title")}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (password !== confirmation) {
            setMismatch(true);
            return;
          }
          setMismatch(false);
          register.mutate({ ...form, password }, { onSuccess: clearDraft });
        }}
      >
        <TextField label={t("fields.organizationName")} required autoComplete="organization" value={form.organizationName} onChange={(e) => update({ organizationName: e.target.value })} errors={fieldErrors("organizationName")} />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label={t("fields.givenName")} required autoComplete="given-name" value={form.givenName} onChange={(e) => update({ givenName: e.target.value })} errors={fieldErrors("givenName")} />
          <TextField label={t("fields.familyName")} required autoComplete="family-name" value={form.familyName} onChange={(e) => update({ familyName: e.target.value })} errors={fieldErrors("familyName")} />
        </div>
        <TextField label={t("fields.email")} type="email" required autoComplete="email" value={form.email} onChange={(e) => update({ email: e.target.value })} errors={fieldErrors("email")} />
        <TextField label={t("fields.password")} type="password" required autoComplete="new-password" hint={t("password.policy")} value={password} onChange={(e) => setPassword(e.target.value)} errors={fieldErrors("password")} />
        <TextField label={t("fields.confirmPassword")} type="password" required autoComplete="new-password" value={confirmation} onChange={(e) => setConfirmation(e.target.value)} errors={mismatch ? [t("password.mismatch")] : undefined} />
        {register.isError && !(isApiError(register.error) && register.error.hasFieldErrors) && <ErrorState error={register.error} />}
        <Button type="submit" className="w-full" busy={register.isPending}>
          {t("registration.submit")}
        </Button>
        <p className="text-center text-sm">
          <Link to="/" className="text-teal-800 underline dark:text-teal-300">
            {t("registration.haveAccount")}
          </Link>
        </p>
      </form>
    </PublicPage>
  );
}
