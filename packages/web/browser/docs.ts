/**
 * The API reference's own script (views/api-docs.tsx): sends an operation's
 * "Try it" form with fetch and shows the answer. Served from our origin, so
 * the CSP's `script-src 'self'` holds and the page needs no network beyond
 * this site. Answers are shown with textContent only: they are data, never
 * markup.
 */
const pretty = (text: string): string => {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
};

/** The request a form describes: its inputs say where each value goes (`data-in`). */
function request(form: HTMLFormElement): [string, RequestInit] {
  let url = form.dataset.url ?? "";
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  let body: string | undefined;
  for (const field of form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("[data-in]")) {
    const value = field.value.trim();
    const name = field.dataset.name ?? "";
    if (field.dataset.in === "body") {
      body = field.value;
      headers["Content-Type"] = "application/json";
    } else if (!value) {
    } else if (field.dataset.in === "path") {
      url = url.replace(`{${name}}`, encodeURIComponent(value));
    } else if (field.dataset.in === "query") {
      query.append(name, value);
    } else if (field.dataset.in === "bearer") {
      headers.Authorization = `Bearer ${value.replace(/^Bearer\s+/i, "")}`;
    } else {
      headers[name] = value;
    }
  }
  const search = query.toString();
  return [
    url + (search ? `?${search}` : ""),
    { method: form.dataset.method, headers, body, credentials: "omit", cache: "no-store" },
  ];
}

for (const form of document.querySelectorAll<HTMLFormElement>("form.try")) {
  const result = form.querySelector<HTMLElement>(".try-result")!;
  const button = form.querySelector("button")!;
  const show = (status: string, headers: string, body: string) => {
    result.querySelector(".try-status")!.textContent = status;
    result.querySelector(".try-headers")!.textContent = headers;
    result.querySelector(".try-body")!.textContent = body;
    result.hidden = false;
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    show("Sending…", "", "");
    try {
      const response = await fetch(...request(form));
      const headers = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
      show(`${response.status} ${response.statusText}`, headers, pretty(await response.text()));
    } catch (error) {
      show(`The request did not complete: ${(error as Error).message}`, "", "");
    } finally {
      button.disabled = false;
    }
  });
}
