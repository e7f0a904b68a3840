import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "react-router";
import { AuthProvider } from "@/lib/auth/auth";
import { userManager } from "@/lib/auth/user-manager";
import { isApiError } from "@/lib/api/errors";
import { SettingsProvider } from "@/lib/settings";
import { router } from "@/app/router";

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refused or missing thing will not appear by asking again; the network or a restarting service may.
      retry: (failures, error) => failures < 2 && (!isApiError(error) || ["network", "unavailable"].includes(error.kind)),
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider userManager={userManager}>
        <SettingsProvider>
          <RouterProvider router={router} />
        </SettingsProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}
