import { ApiError } from "@/lib/api/errors";

describe("ApiError", () => {
  it.each([
    [0, "network"],
    [400, "validation"],
    [401, "unauthorized"],
    [403, "forbidden"],
    [404, "not-found"],
    [409, "conflict"],
    [412, "conflict"],
    [413, "validation"],
    [415, "validation"],
    [422, "validation"],
    [429, "rate-limited"],
    [502, "unavailable"],
    [503, "unavailable"],
    [500, "server"],
  ])("calls %i %s", (status, kind) => {
    expect(new ApiError(status, null).kind).toBe(kind);
  });

  it("finds a field's messages whatever the case of its name", () => {
    const error = new ApiError(400, { errors: { NewPassword: ["Too short."] } });
    expect(error.fieldErrors("newPassword")).toEqual(["Too short."]);
    expect(error.fieldErrors("email")).toEqual([]);
  });
});
