/**
 * The API reference for people, rendered from the OpenAPI document alone, so
 * it shows exactly what the document says. Each operation ends in a form that
 * its script (packages/web/browser/docs.ts) sends with fetch; everything comes from our own origin.
 */
import type { Child } from "hono/jsx";
import type { JsonSchema, OpenApiDocument, OperationObject, ParameterObject, Ref, SecurityScheme } from "../openapi";
import { assetPath } from "../assets";
import { Layout } from "./layout";

const COMPONENT = "#/components/schemas/";

function resolve(doc: OpenApiDocument, item: ParameterObject | Ref): ParameterObject {
  if (!("$ref" in item)) return item;
  return doc.components.parameters[item.$ref.split("/").pop()!]!;
}

/** Text with `code` spans, the one inline markup descriptions use. */
function Inline({ text }: { text: string }) {
  return <>{text.split("`").map((part, i) => (i % 2 ? <code>{part}</code> : part))}</>;
}

/** Descriptions are short Markdown: paragraphs, `- ` lists and `code`. */
function Prose({ text }: { text: string }) {
  return (
    <>
      {text.split("\n\n").map((block) => {
        const lines = block.split("\n");
        return lines.every((line) => line.startsWith("- ")) ? (
          <ul>
            {lines.map((line) => (
              <li>
                <Inline text={line.slice(2)} />
              </li>
            ))}
          </ul>
        ) : (
          <p>
            <Inline text={block} />
          </p>
        );
      })}
    </>
  );
}

const range = (min: unknown, max: unknown, unit: string) =>
  (min !== undefined && max !== undefined
    ? `${min}–${max} ${unit}`
    : min !== undefined
      ? `at least ${min} ${unit}`
      : max !== undefined
        ? `at most ${max} ${unit}`
        : ""
  ).trim();

/** A schema's type and limits in words, or a link to the component it names. */
function Label({ schema }: { schema: JsonSchema }) {
  if (typeof schema.$ref === "string" && schema.$ref.startsWith(COMPONENT)) {
    const name = schema.$ref.slice(COMPONENT.length);
    return <a href={`#schema-${name}`}>{name}</a>;
  }
  if (Array.isArray(schema.anyOf)) {
    return (
      <>
        {(schema.anyOf as JsonSchema[]).map((option, i) => (
          <>
            {i ? " or " : ""}
            <Label schema={option} />
          </>
        ))}
      </>
    );
  }
  if (schema.const !== undefined) return <span class="type">{JSON.stringify(schema.const)}</span>;
  if (Array.isArray(schema.enum)) {
    return <span class="type">one of {schema.enum.map((value) => JSON.stringify(value)).join(", ")}</span>;
  }
  const limits = [
    schema.format as string | undefined,
    range(schema.minLength, schema.maxLength, "characters"),
    range(schema.minItems, schema.maxItems, "items"),
    range(schema.minimum, schema.maximum, ""),
    // Formats carry their own patterns, which are long and say nothing more.
    !schema.format && schema.pattern ? `matching ${schema.pattern}` : "",
  ].filter(Boolean);
  const type = (schema.type as string | undefined) ?? "any value";
  if (type === "array") return <span class="type">array{limits.length ? ` (${limits.join(", ")})` : ""} of</span>;
  return <span class="type">{[type, ...limits].join(", ")}</span>;
}

/** A schema in words; an object, or an array of objects, lists its fields beneath. */
function SchemaView({ schema }: { schema: JsonSchema }): Child {
  const items = schema.items as JsonSchema | undefined;
  const holder = items?.properties ? items : schema;
  const fields = holder.properties as Record<string, JsonSchema> | undefined;
  const required = new Set((holder.required as string[] | undefined) ?? []);
  return (
    <>
      <Label schema={schema} />
      {items &&
        (items.properties ? (
          <span class="type"> objects</span>
        ) : (
          <>
            {" "}
            <Label schema={items} />
          </>
        ))}
      {typeof schema.description === "string" && (
        <span class="description">
          {" — "}
          <Inline text={schema.description} />
        </span>
      )}
      {fields && (
        <ul class="schema">
          {Object.entries(fields).map(([field, value]) => (
            <li>
              <code>{field}</code>
              {required.has(field) ? "" : <span class="optional"> (optional)</span>}: <SchemaView schema={value} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function access(doc: OpenApiDocument, security: OperationObject["security"]): string {
  if (security.length === 0) return "None needed.";
  const ways = security.map((requirement) => {
    const [name] = Object.keys(requirement);
    if (!name) return "none needed";
    const scheme = doc.components.securitySchemes[name]!;
    if (scheme.type !== "http") return `the \`${scheme.name}\` query parameter (${name})`;
    return scheme["x-scope"] ? `an API key with \`${scheme["x-scope"]}\`` : "an API key";
  });
  return `${ways.join(", or ")}.`.replace(/^./, (first) => first.toUpperCase());
}

/**
 * `needed`: the operation says so, but the browser lets the form go without
 * it, so that the reader can see the refusal too.
 */
type TryInput = {
  id: string;
  label: string;
  in: string;
  name: string;
  required: boolean;
  needed: boolean;
  hint?: string;
};

/** The inputs a request needs: credentials first, then the operation's parameters. */
function tryInputs(doc: OpenApiDocument, operation: OperationObject): TryInput[] {
  const schemes = operation.security
    .flatMap((requirement) => Object.keys(requirement))
    .map((name): [string, SecurityScheme] => [name, doc.components.securitySchemes[name]!]);
  // With one way in, its credential is needed; with several, any one will do.
  const needed = operation.security.length === 1;
  const credentials = schemes.map(([, scheme]) =>
    scheme.type === "http"
      ? { in: "bearer", name: "Authorization", label: "API key", needed, hint: "Sent as Authorization: Bearer <key>." }
      : { in: scheme.in, name: scheme.name, label: scheme.name, needed, hint: scheme.description },
  );
  const parameters = operation.parameters.map((item) => {
    const parameter = resolve(doc, item);
    const { required, description: hint } = parameter;
    return { in: parameter.in, name: parameter.name, label: parameter.name, required, needed: required, hint };
  });
  return [...credentials, ...parameters].map((input) => ({
    required: false,
    ...input,
    id: `${operation.operationId}-${input.in}-${input.name}`.toLowerCase(),
  }));
}

function TryIt({
  doc,
  method,
  url,
  operation,
}: {
  doc: OpenApiDocument;
  method: string;
  url: string;
  operation: OperationObject;
}) {
  const body = operation.requestBody?.content["application/json"];
  const bodyId = `${operation.operationId}-body`;
  return (
    <form class="try" data-method={method.toUpperCase()} data-url={url}>
      <h3>Try it</h3>
      {tryInputs(doc, operation).map((input) => (
        <div class="field">
          <label for={input.id}>
            {input.label}
            {input.needed ? "" : " (optional)"}
          </label>
          {input.hint && (
            <p class="hint">
              <Inline text={input.hint} />
            </p>
          )}
          <input
            type="text"
            id={input.id}
            data-in={input.in}
            data-name={input.name}
            required={input.required}
            autocomplete="off"
          />
        </div>
      ))}
      {body && (
        <div class="field">
          <label for={bodyId}>Body (JSON)</label>
          <textarea id={bodyId} data-in="body" rows={14} spellcheck={false}>
            {JSON.stringify(body.example, null, 2)}
          </textarea>
        </div>
      )}
      <button type="submit">Send {method.toUpperCase()}</button>
      <div class="try-result" aria-live="polite" hidden>
        <p>
          <strong class="try-status"></strong>
        </p>
        <pre class="try-headers"></pre>
        <pre class="try-body"></pre>
      </div>
    </form>
  );
}

function OperationView(props: { doc: OpenApiDocument; path: string; method: string; operation: OperationObject }) {
  const { doc, path, method, operation } = props;
  const parameters = operation.parameters.map((item) => resolve(doc, item));
  const body = operation.requestBody;
  return (
    <section class="operation" id={operation.operationId}>
      <h2>
        <span class={`method ${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h2>
      <p class="summary">{operation.summary}</p>
      <Prose text={operation.description} />
      <p>
        <strong>Access:</strong> <Inline text={access(doc, operation.security)} />
      </p>
      {parameters.length > 0 && (
        <table>
          <caption>Parameters</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {parameters.map((parameter) => (
              <tr>
                <td>
                  <code>{parameter.name}</code>
                  <br />
                  <span class="optional">
                    {parameter.in}
                    {parameter.required ? "" : ", optional"}
                  </span>
                </td>
                <td>
                  <SchemaView schema={parameter.schema} />
                  {parameter.description && <Prose text={parameter.description} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {body && (
        <>
          <h3>Request body</h3>
          <Prose text={body.description} />
          <p>
            JSON: <SchemaView schema={body.content["application/json"].schema} />
          </p>
        </>
      )}
      <h3>Responses</h3>
      <dl class="responses">
        {Object.entries(operation.responses).map(([status, response]) => (
          <>
            <dt>
              {status}
              {response.content && (
                <>
                  {" "}
                  <span class="type">JSON</span> <SchemaView schema={response.content["application/json"].schema} />
                </>
              )}
            </dt>
            <dd>
              <Prose text={response.description} />
              {Object.keys(response.headers).length > 0 && (
                <p class="headers">Headers: {Object.keys(response.headers).join(", ")}</p>
              )}
            </dd>
          </>
        ))}
      </dl>
      <TryIt doc={doc} method={method} url={`${doc.servers[0]!.url}${path}`} operation={operation} />
    </section>
  );
}

export function ApiReference({ doc, documentUrl }: { doc: OpenApiDocument; documentUrl: string }) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation: operation! })),
  );
  return (
    <Layout title="API reference">
      <div class="api-docs">
        <h1>{doc.info.title}</h1>
        <Prose text={doc.info.description} />
        <p>
          Paths are relative to <code>{doc.servers[0]!.url}</code>. The same description for machines:{" "}
          <a href={documentUrl}>{documentUrl}</a> (OpenAPI {doc.openapi}).
        </p>
        <h2>Headers</h2>
        <dl class="responses">
          {Object.entries(doc.components.headers).map(([name, header]) => (
            <>
              <dt>{name}</dt>
              <dd>
                <Prose text={header.description} />
              </dd>
            </>
          ))}
        </dl>
        <nav aria-label="Operations">
          <h2>Operations</h2>
          {doc.tags.map((tag) => (
            <>
              <h3>{tag.name}</h3>
              <ul>
                {operations
                  .filter(({ operation }) => operation.tags.includes(tag.name))
                  .map(({ path, method, operation }) => (
                    <li>
                      <a href={`#${operation.operationId}`}>
                        {method.toUpperCase()} {path}
                      </a>{" "}
                      — {operation.summary}
                    </li>
                  ))}
              </ul>
            </>
          ))}
        </nav>
        {operations.map((operation) => (
          <OperationView doc={doc} {...operation} />
        ))}
        <h2>Schemas</h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <section class="schema-def" id={`schema-${name}`}>
            <h3>{name}</h3>
            <SchemaView schema={schema} />
          </section>
        ))}
      </div>
      <script src={assetPath("docs.js")} defer></script>
    </Layout>
  );
}
