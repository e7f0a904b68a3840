import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button, type ButtonProps } from "@/components/button";

/** A destructive action asks once more, in place (no modal to trap focus in). */
export function ConfirmButton({ onConfirm, children, confirmLabel, busy, variant = "danger", ...props }: Omit<ButtonProps, "onClick"> & { onConfirm: () => void; confirmLabel?: ReactNode }) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  // The question takes the focus, so a keyboard user answers it next.
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <Button variant="secondary" busy={busy} onClick={() => setAsking(true)} {...props}>
        {children}
      </Button>
    );
  }
  return (
    <span className="inline-flex gap-2">
      <Button
        variant={variant}
        busy={busy}
        ref={confirmRef}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel ?? t("common.confirm")}
      </Button>
      <Button variant="ghost" onClick={() => setAsking(false)}>
        {t("common.cancel")}
      </Button>
    </span>
  );
}
