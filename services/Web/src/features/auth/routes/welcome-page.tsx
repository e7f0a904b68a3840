import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { Button } from "@/components/button";
import { PublicPage } from "@/components/page";

/** "/" for a visitor: sign in (Identity's login page, password then the second factor) or register a practice. */
export function WelcomePage() {
  const { t } = useTranslation();
  const { signIn } = useAuth();
  return (
    <PublicPage title={t("welcome.title")}>
      <p className="mb-6 text-sm text-slate-700 dark:text-slate-300">{t("welcome.intro")}</p>
      <div className="flex flex-col gap-3">
        <Button onClick={() => void signIn("/")}>{t("auth.signIn")}</Button>
        <Link to="/register" className="text-center text-sm text-teal-800 underline dark:text-teal-300">
          {t("welcome.register")}
        </Link>
        <Link to="/forgot-password" className="text-center text-sm text-teal-800 underline dark:text-teal-300">
          {t("password.forgotLink")}
        </Link>
      </div>
    </PublicPage>
  );
}
