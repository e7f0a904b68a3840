import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useTranslation } from "react-i18next";
import { userManager } from "@/lib/auth/user-manager";
import { safeReturnPath } from "@/lib/auth/auth";
import { Alert } from "@/components/alert";
import { LoadingState } from "@/components/states";
import { PublicPage } from "@/components/page";

/** Where Identity sends the browser back with the authorization code: exchanged (with the PKCE verifier) for tokens. */
export default function CallbackPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useState(() => new URLSearchParams(window.location.search));
  const refused = params.get("error") ? (params.get("error_description") ?? params.get("error")) : null;
  const [failure, setFailure] = useState<string | null>(refused);
  const started = useRef(false);

  useEffect(() => {
    // The code works once: StrictMode's second effect must not spend it again.
    if (started.current || refused) return;
    started.current = true;
    userManager
      .signinRedirectCallback()
      .then((user) => {
        const state = user.state as { returnTo?: string } | undefined;
        void navigate(safeReturnPath(state?.returnTo), { replace: true });
      })
      .catch((error: unknown) => setFailure(error instanceof Error ? error.message : String(error)));
  }, [navigate, refused]);

  if (!failure) {
    return (
      <main id="main" className="mx-auto max-w-md p-6">
        <LoadingState label={t("auth.completing")} />
      </main>
    );
  }
  return (
    <PublicPage title={t("auth.failedTitle")}>
      <Alert tone="error" title={t("auth.failed")}>
        <p>{failure}</p>
      </Alert>
      <Link className="mt-4 inline-block text-teal-800 underline dark:text-teal-300" to="/">
        {t("auth.tryAgain")}
      </Link>
    </PublicPage>
  );
}
