// The console's one way to the data: POST /graphql, with the reader's token.
export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export function token() {
  return localStorage.getItem("govgraph.token");
}

export function setToken(value) {
  if (value) localStorage.setItem("govgraph.token", value);
  else localStorage.removeItem("govgraph.token");
}

function headers() {
  const found = { "Content-Type": "application/json" };
  if (token()) found.Authorization = `Bearer ${token()}`;
  return found;
}

export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: headers(),
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) {
    const error = body.errors[0];
    throw new ApiError(error.message, error.extensions && error.extensions.code, response.status);
  }
  return body.data;
}

// A CSV report: fetched with the token (a plain link would carry none), saved as a file.
export async function download(path, filename) {
  const response = await fetch(path, { headers: headers() });
  if (!response.ok) {
    const body = await response.json();
    throw new ApiError(body.errors[0].message, body.errors[0].extensions.code, response.status);
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}

// Who the token says the reader is (the server checks it on every request).
export function claims(value) {
  const part = value.split(".")[1] || "";
  const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}
