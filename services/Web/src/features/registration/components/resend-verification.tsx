import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { useResendVerification } from "@/features/registration/api/registration";

/** Asks for a new verification e-mail (the answer is the same whether the address is known or not). */
export function ResendVerification({ email: initialEmail = "" }: { email?: string }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState(initialEmail);
  const resend = useResendVerification();
  if (resend.isSuccess) return <Alert tone="success">{t("registration.resent")}</Alert>;
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        resend.mutate(email);
      }}
    >
      <TextField label={t("fields.email")} type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      {resend.isError && <ErrorState error={resend.error} />}
      <Button type="submit" variant="secondary" busy={resend.isPending}>
        {t("registration.resend")}
      </Button>
    </form>
  );
}
