import { act, renderHook } from "@testing-library/react";
import { useDraft } from "@/hooks/use-draft";

describe("useDraft", () => {
  it("keeps what the user typed across a reload of the page, until cleared", () => {
    const first = renderHook(() => useDraft("profile", { phone: "" }));
    act(() => first.result.current[1]({ phone: "+33 1 23 45 67 89" }));
    first.unmount();

    const second = renderHook(() => useDraft("profile", { phone: "" }));
    expect(second.result.current[0]).toEqual({ phone: "+33 1 23 45 67 89" });
    expect(second.result.current[3]).toBe(true);

    act(() => second.result.current[2]());
    second.unmount();
    expect(renderHook(() => useDraft("profile", { phone: "" })).result.current[0]).toEqual({ phone: "" });
  });

  it("keeps nothing for values as loaded", () => {
    renderHook(() => useDraft("profile", { phone: "+1 555" })).unmount();

    const again = renderHook(() => useDraft("profile", { phone: "+44 20" }));
    expect(again.result.current[0]).toEqual({ phone: "+44 20" });
    expect(again.result.current[3]).toBe(false);
  });
});
