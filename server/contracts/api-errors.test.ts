import { describe, expect, it } from "vitest";
import { readApiErrorData, type ApiErrorData } from "./api-errors";

describe("readApiErrorData", () => {
  it.each<[string, unknown, ApiErrorData]>([
    [
      "a domain error keeps its code and details",
      { code: "NOT_FOUND", httpStatus: 404, details: { field: "applicationName" }, fieldErrors: null },
      { code: "NOT_FOUND", httpStatus: 404, details: { field: "applicationName" }, fieldErrors: null },
    ],
    [
      "an input error keeps every field's message",
      { code: "BAD_REQUEST", fieldErrors: [{ path: "name", message: "Too long" }] },
      { code: "BAD_REQUEST", fieldErrors: [{ path: "name", message: "Too long" }] },
    ],
    ["data that is not an object reads as empty", "<html>Bad gateway</html>", {}],
    ["field errors of the wrong shape read as empty", { code: "BAD_REQUEST", fieldErrors: "name is bad" }, {}],
    ["no data reads as empty", undefined, {}],
  ])("%s", (_sentence, data, expected) => {
    expect(readApiErrorData(data)).toEqual(expected);
  });
});
