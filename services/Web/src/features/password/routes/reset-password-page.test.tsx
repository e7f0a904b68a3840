import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeFetch, json, renderPage } from "@/testing/render";
import ResetPasswordPage from "@/features/password/routes/reset-password-page";

describe("reset password page", () => {
  it("sends the new password with the link's user and token", async () => {
    const requests = fakeFetch(() => new Response(null, { status: 204 }));
    renderPage(<ResetPasswordPage />, { path: "/reset-password?userId=u-2&token=t0k", route: "/reset-password" });
    const user = userEvent.setup({ delay: null });

    await user.type(screen.getByLabelText("New password"), "a brand new passphrase");
    await user.type(screen.getByLabelText("Confirm the password"), "a brand new passphrase");
    await user.click(screen.getByRole("button", { name: "Change the password" }));

    expect(await screen.findByText(/Your password is changed/)).toBeInTheDocument();
    expect(await requests[0]?.json()).toEqual({ userId: "u-2", token: "t0k", newPassword: "a brand new passphrase" });
  });

  it("turns a refused token into the expired-link message", async () => {
    fakeFetch(json(400, { errors: { token: ["Invalid token."] } }));
    renderPage(<ResetPasswordPage />, { path: "/reset-password?userId=u-2&token=used", route: "/reset-password" });
    const user = userEvent.setup({ delay: null });

    await user.type(screen.getByLabelText("New password"), "a brand new passphrase");
    await user.type(screen.getByLabelText("Confirm the password"), "a brand new passphrase");
    await user.click(screen.getByRole("button", { name: "Change the password" }));

    expect(await screen.findByText("This reset link has expired or was already used.")).toBeInTheDocument();
  });
});
