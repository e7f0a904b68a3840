import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { contentApi, data } from "@/lib/api/client";
import type { components } from "@/lib/api/schema/content";
import type { DocumentCategory } from "@/lib/documents";

export type Patient = components["schemas"]["PatientView"];
export type PatientDetails = components["schemas"]["PatientDetails"];
export type AccessRecord = components["schemas"]["AccessRecordView"];

/** What the search form asks: any of a name (prefix, accents and case ignored), a birth date, an identifier. */
export interface PatientSearch {
  name: string;
  birthDate: string;
  identifier: string;
}

const keys = {
  search: (search: PatientSearch) => ["patients", "search", search] as const,
  patient: (id: string) => ["patients", id] as const,
  documents: (patientId: string) => ["patients", patientId, "documents"] as const,
  accessLog: (patientId: string, page: number) => ["patients", patientId, "access-log", page] as const,
};

export const isEmptySearch = (search: PatientSearch) => !search.name.trim() && !search.birthDate && !search.identifier.trim();

/** An identifier as the search takes it: a value of any system; a comma or bar in it is escaped (they are separators). */
const identifierValue = (value: string) => value.trim().replace(/[\\,|]/g, (c) => `\\${c}`);

export function usePatientSearch(search: PatientSearch) {
  return useQuery({
    queryKey: keys.search(search),
    enabled: !isEmptySearch(search),
    placeholderData: keepPreviousData,
    queryFn: () =>
      data(
        contentApi.GET("/api/patients", {
          params: {
            query: {
              ...(search.name.trim() ? { name: search.name.trim() } : {}),
              ...(search.birthDate ? { birthDate: [search.birthDate] } : {}),
              ...(search.identifier.trim() ? { identifier: [identifierValue(search.identifier)] } : {}),
            },
          },
        }),
      ),
  });
}

/** One patient; fromSearch records the read in the access audit as a search hit opened. */
export function usePatient(id: string, fromSearch = false) {
  return useQuery({
    queryKey: keys.patient(id),
    queryFn: () => data(contentApi.GET("/api/patients/{id}", { params: { path: { id }, query: fromSearch ? { fromSearch: true } : {} } })),
  });
}

export function useRegisterPatient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PatientDetails) => data(contentApi.POST("/api/patients", { body })),
    onSuccess: (patient) => {
      queryClient.setQueryData(keys.patient(patient.id), patient);
      return queryClient.invalidateQueries({ queryKey: ["patients", "search"] });
    },
  });
}

export function usePatientDocuments(patientId: string) {
  return useQuery({
    queryKey: keys.documents(patientId),
    queryFn: () => data(contentApi.GET("/api/documents", { params: { query: { patientId } } })),
  });
}

export interface DocumentUpload {
  patientId: string;
  title: string;
  category: DocumentCategory;
  file: File;
}

export function useUploadDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ patientId, title, category, file }: DocumentUpload) =>
      data(
        contentApi.POST("/api/documents", {
          // The file is the last part: Content reads the fields before it, then streams the bytes.
          body: { patientId, title, category, fileName: file.name, file: "" },
          bodySerializer: () => {
            const form = new FormData();
            form.append("patientId", patientId);
            if (title.trim()) form.append("title", title.trim());
            form.append("category", category);
            form.append("file", file, file.name);
            return form;
          },
        }),
      ),
    onSettled: (_document, _error, { patientId }) => queryClient.invalidateQueries({ queryKey: keys.documents(patientId) }),
  });
}

/** Who looked at (or changed, shared, downloaded…) this patient's record, newest first: Content's PHI access audit. */
export function usePatientAccessLog(patientId: string, page: number) {
  return useQuery({
    queryKey: keys.accessLog(patientId, page),
    placeholderData: keepPreviousData,
    queryFn: () => data(contentApi.GET("/api/access-audit", { params: { query: { patientId, page, pageSize: 20 } } })),
  });
}
