import { Link } from "react-router";
import { useTranslation } from "react-i18next";
import { useAuth } from "@/lib/auth/auth";
import { useSettings } from "@/lib/settings";
import { Page, Section } from "@/components/page";

/** The signed-in home: who and where you are, and the way to what needs doing. */
export default function DashboardPage() {
  const { t } = useTranslation();
  const { claims, hasPermission } = useAuth();
  const { profile, format } = useSettings();
  return (
    <Page title={profile ? t("home.greeting", { name: profile.givenName }) : t("nav.home")} description={t("home.today", { date: format.date(new Date()) })}>
      <div className="grid gap-4 md:grid-cols-2">
        <Section title={t("home.account")}>
          <p className="text-sm">{t("home.roles", { roles: claims?.roles.join(", ") || "-" })}</p>
          <Link className="text-sm text-teal-800 underline dark:text-teal-300" to="/settings/security">
            {t("nav.security")}
          </Link>
        </Section>
        {hasPermission("users:manage") && (
          <Section title={t("home.team")}>
            <Link className="text-sm text-teal-800 underline dark:text-teal-300" to="/admin/invitations">
              {t("invitations.invite")}
            </Link>
          </Section>
        )}
      </div>
    </Page>
  );
}
