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
  // Kept once the user has changed something (or a draft was restored), not for values as loaded.
  const [dirty, setDirty] = useState(restored);
  useEffect(() => {
    if (dirty) sessionStorage.setItem(storageKey, JSON.stringify(value));
  }, [storageKey, value, dirty]);
  const update = useCallback((change: Partial<T>) => {
    setDirty(true);
    setValue((current) => ({ ...current, ...change }));
  }, []);
  const clear = useCallback(() => {
    setDirty(false);
    sessionStorage.removeItem(storageKey);
  }, [storageKey]);
  return [value, update, clear, restored];
}
