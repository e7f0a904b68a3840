import { lazy, Suspense } from "react";
import { useAuth } from "@/lib/auth/auth";
import { AppShell } from "@/app/shell";
import { LoadingState } from "@/components/states";
import { WelcomePage } from "@/features/auth/routes/welcome-page";

const DashboardPage = lazy(() => import("@/features/home/routes/dashboard-page"));

/** "/": the welcome page (sign in, register a practice) for a visitor, the dashboard for a signed-in user. */
export function HomeRoute() {
  const { ready, user } = useAuth();
  if (!ready) return <LoadingState />;
  if (!user) return <WelcomePage />;
  return (
    <AppShell>
      <Suspense fallback={<LoadingState />}>
        <DashboardPage />
      </Suspense>
    </AppShell>
  );
}
