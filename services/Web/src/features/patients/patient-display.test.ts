import { displayName, medicalRecordNumber } from "@/features/patients/patient-display";
import type { Patient } from "@/features/patients/api/patients";

/** A patient as Content answers, with only the fields these rules read. */
const patient = (change: Record<string, unknown>): Patient =>
  ({ id: "p", names: [], identifiers: [], telecom: [], addresses: [], replaces: [], ...change }) as unknown as Patient;

describe("how a patient is named", () => {
  it("prefers the usual name to the official one, given names first", () => {
    const names = [
      { use: "official", family: "Martin", given: ["Jeanne", "Louise"] },
      { use: "usual", family: "Durand", given: ["Jeanne"] },
    ];
    expect(displayName(patient({ names }))).toBe("Jeanne Durand");
  });

  it("falls back to the name's text, then to a dash", () => {
    expect(displayName(patient({ names: [{ use: null, family: null, given: [], text: "Baby of Durand" }] }))).toBe("Baby of Durand");
    expect(displayName(patient({}))).toBe("—");
  });

  it("finds the practice's record number among the identifiers", () => {
    const identifiers = [
      { system: "urn:oid:1.2.250.1.213.1.4.8", value: "180077512345678", use: "official", typeCode: "NI" },
      { system: "urn:medicalhub:mrn", value: "17", use: "usual", typeCode: "MR" },
    ];
    expect(medicalRecordNumber(patient({ identifiers }))).toBe("17");
    expect(medicalRecordNumber(patient({}))).toBeUndefined();
  });
});
