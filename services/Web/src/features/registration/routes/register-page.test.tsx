import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeFetch, json, renderPage } from "@/testing/render";
import RegisterPage from "@/features/registration/routes/register-page";

async function fillIn(password = "correct horse battery staple") {
  const user = userEvent.setup({ delay: null });
  await user.type(screen.getByLabelText("Practice name"), "Cabinet Dupont");
  await user.type(screen.getByLabelText("First name"), "Zoë");
  await user.type(screen.getByLabelText("Last name"), "Dupont");
  await user.type(screen.getByLabelText("E-mail address"), "zoe@example.org");
  await user.type(screen.getByLabelText("Password"), password);
  await user.type(screen.getByLabelText("Confirm the password"), password);
  await user.click(screen.getByRole("button", { name: "Create the practice" }));
}

describe("register page", () => {
  it("posts the practice and shows where the verification e-mail went", async () => {
    const requests = fakeFetch(json(201, { organizationId: "o", userId: "u" }));
    renderPage(<RegisterPage />);

    await fillIn();

    expect(await screen.findByText(/We sent a verification link to zoe@example.org/)).toBeInTheDocument();
    expect(requests[0]?.url).toMatch(/\/api\/auth\/register$/);
    expect(await requests[0]?.json()).toEqual({ organizationName: "Cabinet Dupont", givenName: "Zoë", familyName: "Dupont", email: "zoe@example.org", password: "correct horse battery staple" });
  });

  it("shows Identity's message beside the field at fault and keeps what was typed", async () => {
    fakeFetch(json(400, { title: "One or more validation errors occurred.", errors: { Password: ["The password is one of the most common."] } }));
    renderPage(<RegisterPage />);

    await fillIn("password1234");

    const password = screen.getByLabelText("Password");
    expect(await screen.findByText("The password is one of the most common.")).toBeInTheDocument();
    expect(password).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Practice name")).toHaveValue("Cabinet Dupont");
  });

  it("says how long to wait when the sign-ups from this address are throttled", async () => {
    fakeFetch(json(429, { title: "Too many requests" }, { "Retry-After": "42" }));
    renderPage(<RegisterPage />);

    await fillIn();

    expect(await screen.findByRole("alert")).toHaveTextContent("Try again in 42 seconds.");
  });

  it("says the service cannot be reached when the network fails, never a blank page", async () => {
    fakeFetch();
    renderPage(<RegisterPage />);

    await fillIn();

    expect(await screen.findByRole("alert")).toHaveTextContent("MedicalHub cannot be reached");
    expect(screen.getByLabelText("E-mail address")).toHaveValue("zoe@example.org");
  });

  it("refuses two different passwords before asking Identity", async () => {
    const requests = fakeFetch();
    renderPage(<RegisterPage />);
    const user = userEvent.setup({ delay: null });

    await user.type(screen.getByLabelText("Password"), "correct horse battery staple");
    await user.type(screen.getByLabelText("Confirm the password"), "something else entirely");
    await user.click(screen.getByRole("button", { name: "Create the practice" }));

    expect(screen.getByText("The two passwords differ.")).toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });
});
