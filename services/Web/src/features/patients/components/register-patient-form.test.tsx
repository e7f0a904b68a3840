import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { fakeFetch, json, renderPage } from "@/testing/render";
import { RegisterPatientForm } from "@/features/patients/components/register-patient-form";

const registered = {
  id: "0195a000-0000-7000-8000-00000000aaaa",
  version: 1,
  active: true,
  names: [{ use: "official", family: "Durand", given: ["Élodie", "Marie"], prefix: null, suffix: null, text: null }],
  birthDate: "1980-07-14",
  gender: "female",
  identifiers: [{ system: "urn:medicalhub:mrn", value: "42", use: "usual", typeCode: "MR" }],
  telecom: [],
  addresses: [],
  mergedIntoId: null,
  replaces: [],
  createdAt: "2026-12-03T10:00:00Z",
  updatedAt: "2026-12-03T10:00:00Z",
};

async function fillIn(birthDate = "1980-07-14") {
  const user = userEvent.setup({ delay: null });
  await user.type(screen.getByLabelText("Family name"), "Durand");
  await user.type(screen.getByLabelText("Given names"), "Élodie  Marie");
  await user.type(screen.getByLabelText("Birth date"), birthDate);
  await user.selectOptions(screen.getByLabelText("Gender"), "female");
  await user.click(screen.getByRole("button", { name: "Register the patient" }));
}

describe("registering a patient", () => {
  it("posts the name, birth date and gender and links to the new chart with its record number", async () => {
    const requests = fakeFetch(json(201, registered));
    renderPage(<RegisterPatientForm />);

    await fillIn();

    expect(await screen.findByText("Élodie Marie Durand is registered (record no. 42).")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Open the chart" })).toHaveAttribute("href", `/patients/${registered.id}`);
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.url).toMatch(/\/api\/patients$/);
    expect(await requests[0]?.json()).toEqual({
      names: [{ use: "official", family: "Durand", given: ["Élodie", "Marie"] }],
      birthDate: "1980-07-14",
      gender: "female",
      active: true,
      identifiers: null,
      telecom: null,
      addresses: null,
    });
    expect(screen.getByLabelText("Family name")).toHaveValue("");
  });

  it("shows each of Content's validation messages beside the field its JSON path names, keeping what was typed", async () => {
    fakeFetch(
      json(400, {
        title: "One or more validation errors occurred.",
        errors: { "names[0].family": ["At most 100 characters."], birthDate: ["Between 1870-01-01 and today."] },
      }),
    );
    renderPage(<RegisterPatientForm />);

    await fillIn("2999-01-01");

    expect(await screen.findByText("Between 1870-01-01 and today.")).toBeInTheDocument();
    expect(screen.getByLabelText("Birth date")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Family name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("At most 100 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Gender")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("Family name")).toHaveValue("Durand");
  });

  it("explains an error that names no field in one message", async () => {
    fakeFetch(json(409, { title: "The change conflicts with the registry.", detail: "The identifier is already another patient's." }));
    renderPage(<RegisterPatientForm />);

    await fillIn();

    expect(await screen.findByRole("alert")).toHaveTextContent("The identifier is already another patient's.");
  });
});
