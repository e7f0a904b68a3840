import { screen } from "@testing-library/react";
import { fakeFetch, json, renderPage } from "@/testing/render";
import VerifyEmailPage from "@/features/registration/routes/verify-email-page";

describe("verify e-mail page", () => {
  it("verifies the link's user and token at once", async () => {
    const requests = fakeFetch(() => new Response(null, { status: 204 }));
    renderPage(<VerifyEmailPage />, { path: "/verify-email?userId=u-1&token=a%2Bb%2F%3D", route: "/verify-email" });

    expect(await screen.findByText("Your address is verified. You can sign in.")).toBeInTheDocument();
    expect(await requests[0]?.json()).toEqual({ userId: "u-1", token: "a+b/=" });
  });

  it("explains an expired or used link and offers a new one", async () => {
    fakeFetch(json(400, { errors: { token: ["Invalid token."] } }));
    renderPage(<VerifyEmailPage />, { path: "/verify-email?userId=u-1&token=old", route: "/verify-email" });

    expect(await screen.findByText("This verification link has expired or was already used.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send a new verification e-mail" })).toBeInTheDocument();
  });

  it("treats a link without its token as broken without calling Identity", () => {
    const requests = fakeFetch();
    renderPage(<VerifyEmailPage />, { path: "/verify-email?userId=u-1", route: "/verify-email" });

    expect(screen.getByText("This verification link has expired or was already used.")).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });
});
