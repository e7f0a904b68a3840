import { useEffect, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { LoadingState } from "@/components/states";

/** Signed-in pages: without a user, the browser goes to Identity's login page and comes back here. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { ready, user, leaving, signIn } = useAuth();
  const missing = ready && !user && !leaving;
  useEffect(() => {
    if (missing) void signIn();
  }, [missing, signIn]);
  if (!user) {
    return (
      <main id="main" className="mx-auto max-w-md p-6">
        <LoadingState label={t("auth.redirecting")} />
      </main>
    );
  }
  return children;
}
