import type { Patient } from "@/features/patients/api/patients";

/** The name a practice calls a patient by: the usual or official name (else the first), given names then family name. */
export function displayName(patient: Patient): string {
  const name = patient.names.find((n) => n.use === "usual") ?? patient.names.find((n) => n.use === "official") ?? patient.names[0];
  if (!name) return "—";
  const parts = [...(name.given ?? []), name.family].filter((part): part is string => typeof part === "string" && part.trim() !== "");
  return parts.length > 0 ? parts.join(" ") : (name.text ?? "—");
}

/** The practice's medical record number (the identifier of type MR Content assigns on registration). */
export function medicalRecordNumber(patient: Patient): string | undefined {
  return patient.identifiers.find((i) => i.typeCode === "MR")?.value ?? undefined;
}

/** The administrative genders of FHIR, as Content takes them. */
export const genders = ["female", "male", "other", "unknown"] as const;
export type Gender = (typeof genders)[number];
export const isGender = (value: unknown): value is Gender => genders.includes(value as Gender);
