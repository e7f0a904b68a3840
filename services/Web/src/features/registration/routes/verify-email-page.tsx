import { useEffect, useRef } from "react";
import { useSearchParams } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { isApiError } from "@/lib/api/errors";
import { Alert } from "@/components/alert";
import { Button } from "@/components/button";
import { ErrorState, LoadingState } from "@/components/states";
import { PublicPage } from "@/components/page";
import { useVerifyEmail } from "@/features/registration/api/registration";
import { ResendVerification } from "@/features/registration/components/resend-verification";

/** The verification e-mail's link (`/verify-email?userId=…&token=…`): verifies at once, then offers to sign in. */
export default function VerifyEmailPage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  const [params] = useSearchParams();
  const userId = params.get("userId") ?? "";
  const token = params.get("token") ?? "";
  const verify = useVerifyEmail();
  const sent = useRef(false);

  useEffect(() => {
    if (sent.current || !userId || !token) return;
    sent.current = true;
    verify.mutate({ userId, token });
  }, [userId, token, verify]);

  const linkBroken = !userId || !token || (isApiError(verify.error) && verify.error.kind === "validation");
  return (
    <PublicPage title={t("verifyEmail.title")}>
      {verify.isSuccess ? (
        <div className="space-y-4">
          <Alert tone="success" title={t("verifyEmail.done")} />
          <Button onClick={() => void signIn("/")}>{t("auth.signIn")}</Button>
        </div>
      ) : linkBroken ? (
        <div className="space-y-4">
          <Alert tone="error" title={t("verifyEmail.invalid")}>
            {t("verifyEmail.invalidDetail")}
          </Alert>
          <ResendVerification />
        </div>
      ) : verify.isError ? (
        <ErrorState error={verify.error} onRetry={() => verify.mutate({ userId, token })} />
      ) : (
        <LoadingState label={t("verifyEmail.verifying")} />
      )}
    </PublicPage>
  );
}
