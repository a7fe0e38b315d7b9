// Small builders for the OpenAPI document's JSON Schemas, so each route's page reads as its shape.

export type Schema = Record<string, unknown> | boolean;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

/** An object with exactly these members; every member is required unless named in `optional`. */
export function object(properties: Record<string, Schema>, optional: string[] = [], description?: string): Schema {
  const required = Object.keys(properties).filter((key) => !optional.includes(key));
  return {
    type: "object",
    ...(description ? { description } : {}),
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

export const array = (items: Schema, description?: string): Schema => ({
  type: "array",
  items,
  ...(description ? { description } : {}),
});

export const string = (description?: string): Schema => ({ type: "string", ...(description ? { description } : {}) });
export const integer = (description?: string, minimum = 0): Schema => ({
  type: "integer",
  minimum,
  ...(description ? { description } : {}),
});
export const boolean = (description?: string): Schema => ({ type: "boolean", ...(description ? { description } : {}) });

/** A JSON body under `application/json` (the server always adds `; charset=utf-8`). */
export const json = (schema: Schema) => ({ "application/json": { schema } });
