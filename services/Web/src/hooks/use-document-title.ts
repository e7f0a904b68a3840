import { useEffect } from "react";

/** The tab's title names the page (screen readers announce it on route changes). */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · MedicalHub` : "MedicalHub";
  }, [title]);
}
