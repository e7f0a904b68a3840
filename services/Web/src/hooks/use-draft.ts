import { useCallback, useEffect, useState } from "react";

/**
 * Form state that survives a trip to the login page: kept in this tab's sessionStorage under `key` until `clear()`
 * (after a successful save). Never use it for passwords or codes.
 */
export function useDraft<T extends object>(key: string, initial: T): [T, (update: Partial<T>) => void, () => void, boolean] {
  const storageKey = `medicalhub.draft.${key}`;
  const [restored] = useState(() => sessionStorage.getItem(storageKey) !== null);
  const [value, setValue] = useState<T>(() => {
    const saved = sessionStorage.getItem(storageKey);
    if (!saved) return initial;
    try {
      return { ...initial, ...(JSON.parse(saved) as Partial<T>) };
    } catch {
      return initial;
    }
  });
  useEffect(() => {
    sessionStorage.setItem(storageKey, JSON.stringify(value));
  }, [storageKey, value]);
  const update = useCallback((change: Partial<T>) => setValue((current) => ({ ...current, ...change })), []);
  const clear = useCallback(() => {
    sessionStorage.removeItem(storageKey);
  }, [storageKey]);
  return [value, update, clear, restored];
}
