// §2.3 the operator's API: only when ADMIN_KEY is set (else every route is 404), never counted.
import { boolean, integer, json, object, ref, string } from "../kit";
import { type ErrorCase, type OperationSpec, ok, operation } from "../operation";

const adminOp = (spec: OperationSpec) => operation("v3", "Admin", { keys: ["AdminKey"], ...spec });
const admin: ErrorCase[] = ["routeNotFound", "adminKeyInvalid"];
const accountParameter = [{ $ref: "#/components/parameters/AdminAccountId" }];
const ref2 = (...names: string[]) => names.map((name) => ({ $ref: `#/components/parameters/${name}` }));
const importErrors: ErrorCase[] = [
  "invalidAccountId",
  "accountNotFound",
  "invalidJson",
  ["importItemInvalid", { field: "<field>" }],
  "importConflict",
];
const importBody = (description: string) => ({ description, content: json({ type: "object" }), required: true });

export const adminPaths = () => ({
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
  // §2.5 moving in: one route per item of an export, ids kept, idempotent.
  "/v3/admin/accounts/{accountId}/schemas/{schemaId}": {
    parameters: ref2("ImportAccountId", "ImportSchemaId"),
    put: adminOp({
      id: "importSchemaDoc",
      summary: "Import a schema doc under its id (§2.5)",
      body: importBody('`{"name": "<1–32>", "schema": {...}, "createdAt?": "<ISO>"}`, or the export line itself.'),
      responses: {
        "200": ok(
          "The schema doc, imported now or already there with the same content.",
          json(object({ id: ref("Id"), name: string(), createdAt: ref("Timestamp") })),
        ),
      },
      errors: [...admin, ...importErrors, "invalidSchemaId", "schemaInvalid"],
    }),
  },
  "/v3/admin/accounts/{accountId}/collections/{collectionId}": {
    parameters: ref2("ImportAccountId", "ImportCollectionId"),
    put: adminOp({
      id: "importCollection",
      summary: "Import a collection under its id (§2.5)",
      body: importBody(
        '`{"name": "<1–32>", "schemaDocId?": "<id>", "createdAt?": "<ISO>"}`, or the export line itself.',
      ),
      responses: {
        "200": ok(
          "The collection, imported now or already there with the same content.",
          json(
            object({ id: ref("Id"), name: string(), schemaDocId: ref("Id"), createdAt: ref("Timestamp") }, [
              "schemaDocId",
            ]),
          ),
        ),
      },
      errors: [...admin, ...importErrors, "invalidCollectionId", "schemaDocNotFound"],
    }),
  },
  "/v3/admin/accounts/{accountId}/bins/{binId}": {
    parameters: ref2("ImportAccountId", "ImportBinId"),
    put: adminOp({
      id: "importBin",
      summary: "Import a bin and its base record under its id (§2.5)",
      body: importBody(
        '`{"private": true, "name?": "<1–128>", "collectionId?": "<id>", "createdAt?": "<ISO>", "record": <base record>}`, or the export line itself.',
      ),
      responses: {
        "200": ok(
          "The bin, imported now or already there with the same content; `versionCount` is its current one.",
          json(object({ id: ref("Id"), private: boolean(), versionCount: integer(), createdAt: ref("Timestamp") })),
        ),
      },
      errors: [...admin, ...importErrors, "invalidBinId", "collectionNotFound"],
    }),
  },
  "/v3/admin/accounts/{accountId}/bins/{binId}/versions/{n}": {
    parameters: [...ref2("ImportAccountId", "ImportBinId"), { $ref: "#/components/parameters/ImportVersion" }],
    put: adminOp({
      id: "importVersion",
      summary: "Import version n of a bin through its writer (§2.5)",
      description:
        "n = N+1 appends; n ≤ N with an equal record changes nothing; n > N+1 waits briefly for the versions before it.",
      body: importBody('`{"record": <json>, "createdAt?": "<ISO>"}`, or the export line itself.'),
      responses: {
        "200": ok(
          "The version, appended now or already there with the same record.",
          json(object({ id: ref("Id"), version: integer(), versionCount: integer() })),
        ),
      },
      errors: [
        ...admin,
        ...importErrors,
        "invalidBinId",
        "binVersionInvalid",
        "binNotFound",
        "importVersionOutOfOrder",
      ],
    }),
  },
});
