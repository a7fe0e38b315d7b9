// §2.3 the operator's API: only when ADMIN_KEY is set (else every route is 404), never counted.
import { json, object, ref, string } from "../kit";
import { type ErrorCase, type OperationSpec, ok, operation } from "../operation";

const adminOp = (spec: OperationSpec) => operation("v3", "Admin", { keys: ["AdminKey"], ...spec });
const admin: ErrorCase[] = ["routeNotFound", "adminKeyInvalid"];
const accountParameter = [{ $ref: "#/components/parameters/AdminAccountId" }];

export const adminPaths = {
  "/v3/admin/accounts": {
    post: adminOp({
      id: "createAccount",
      summary: "Create an account and its master key",
      body: {
        description: "Optional: `name` (1–64 characters), `plan` (`free`, the default, or `pro`).",
        content: json(object({ name: string(), plan: { enum: ["free", "pro"] } }, ["name", "plan"])),
      },
      responses: {
        "200": ok(
          "The account; the master key is shown this once.",
          json(
            object({
              accountId: ref("Id"),
              masterKey: ref("Key"),
              plan: { enum: ["free", "pro"] },
              createdAt: ref("Timestamp"),
            }),
          ),
        ),
      },
      errors: [...admin, "invalidJson", "accountNameInvalid", "accountPlanInvalid"],
    }),
  },
  "/v3/admin/accounts/{id}": {
    parameters: accountParameter,
    get: adminOp({
      id: "readAccount",
      summary: "An account with its effective limits and usage",
      responses: { "200": ok("The account.", json(ref("Account"))) },
      errors: [...admin, "invalidAccountId", "accountNotFound"],
    }),
    patch: adminOp({
      id: "patchAccount",
      summary: "Change an account's name, plan or limits, or reset its request counter",
      body: {
        description:
          'Any of `name`, `plan`, `limits` (each a positive integer, `requestQuota` also `0` or `"unlimited"`, or `null` to drop the override), `resetRequests`.',
        content: json({ type: "object" }),
        required: true,
      },
      responses: { "200": ok("The account as it is now.", json(ref("Account"))) },
      errors: [
        ...admin,
        "invalidAccountId",
        "accountNotFound",
        "invalidJson",
        ["unknownField", { field: "<key>" }],
        ["invalidFieldValue", { field: "<key>" }],
      ],
    }),
  },
};
