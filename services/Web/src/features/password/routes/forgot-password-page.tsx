import { useState } from "react";
import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { PublicPage } from "@/components/page";
import { useForgotPassword } from "@/features/password/api/password";

/** Asks for the reset e-mail; Identity answers the same whether the address has an account or not. */
export default function ForgotPasswordPage() {
  const { t } = useTranslation();
  const [email, setEmail] = useState("");
  const forgot = useForgotPassword();
  return (
    <PublicPage title={t("password.forgotTitle")}>
      {forgot.isSuccess ? (
        <Alert tone="success" title={t("password.forgotSent", { email })} />
      ) : (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            forgot.mutate(email);
          }}
        >
          <p className="text-sm text-slate-700 dark:text-slate-300">{t("password.forgotIntro")}</p>
          <TextField label={t("fields.email")} type="email" required autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          {forgot.isError && <ErrorState error={forgot.error} />}
          <Button type="submit" className="w-full" busy={forgot.isPending}>
            {t("password.forgotSubmit")}
          </Button>
        </form>
      )}
      <p className="mt-4 text-center text-sm">
        <Link to="/" className="text-teal-800 underline dark:text-teal-300">
          {t("nav.home")}
        </Link>
      </p>
    </PublicPage>
  );
}
