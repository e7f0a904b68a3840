import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { TextField } from "@/components/form-fields";
import { ErrorState } from "@/components/states";
import { PublicPage } from "@/components/page";
import { useResetPassword } from "@/features/password/api/password";

/** The reset e-mail's link (`/reset-password?userId=…&token=…`): a new password, and every session ends. */
export default function ResetPasswordPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [params] = useSearchParams();
  const userId = params.get("userId") ?? "";
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const reset = useResetPassword();
  const error = isApiError(reset.error) ? reset.error : null;
  const tokenRejected = !userId || !token || (error?.fieldErrors("token").length ?? 0) > 0;

  if (reset.isSuccess) {
    return (
      <PublicPage title={t("password.resetTitle")}>
        <Alert tone="success" title={t("password.resetDone")} />
        <Button className="mt-4" onClick={() => void signIn("/")}>
          {t("auth.signIn")}
        </Button>
      </PublicPage>
    );
  }
  return (
    <PublicPage title={t("password.resetTitle")}>
      {tokenRejected ? (
        <div className="space-y-4">
          <Alert tone="error" title={t("password.resetLinkInvalid")}>
            {t("password.resetLinkInvalidDetail")}
          </Alert>
          <Link to="/forgot-password" className="text-teal-800 underline dark:text-teal-300">
            {t("password.forgotSubmit")}
          </Link>
        </div>
      ) : (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            setMismatch(password !== confirmation);
            if (password === confirmation) reset.mutate({ userId, token, newPassword: password });
          }}
        >
          <TextField label={t("fields.newPassword")} type="password" required autoComplete="new-password" hint={t("password.policy")} value={password} onChange={(e) => setPassword(e.target.value)} errors={error?.fieldErrors("newPassword")} />
          <TextField label={t("fields.confirmPassword")} type="password" required autoComplete="new-password" value={confirmation} onChange={(e) => setConfirmation(e.target.value)} errors={mismatch ? [t("password.mismatch")] : undefined} />
          {reset.isError && !error?.fieldErrors("newPassword").length && <ErrorState error={reset.error} />}
          <Button type="submit" className="w-full" busy={reset.isPending}>
            {t("password.resetSubmit")}
          </Button>
        </form>
      )}
    </PublicPage>
  );
}
