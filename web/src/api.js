// One fetch wrapper: the key as a Bearer token, the API's one error body turned into an ApiError.

const KEY = "fundgraph.key";

export class ApiError extends Error {
  // template and args: a refused document's error as data (the error body has them), shown in the page's language.
  constructor(status, code, message, { template = null, args = null } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.template = template;
    this.args = args;
  }
}

// The key arrives after '#' (`fundgraph serve` prints /#key=…): a fragment is never sent to a server, so it sits in
// no access log. It may share the fragment with a route (#/findings?key=…). An old link's ?key= is still taken.
// Either way it goes to sessionStorage and leaves the address bar (and the history) before anything is routed.
export function takeKeyFromUrl() {
  const url = new URL(location.href);
  let key = url.searchParams.get("key");
  url.searchParams.delete("key");
  const fragment = url.hash.replace(/^#/, "");
  const [route, query = ""] = fragment.startsWith("key=") ? ["", fragment] : fragment.split(/\?(.*)/s);
  const params = new URLSearchParams(query);
  if (params.has("key")) {
    key = params.get("key");
    params.delete("key");
    const rest = params.toString();
    url.hash = route || rest ? `${route}${rest ? "?" + rest : ""}` : "";
  }
  if (key) sessionStorage.setItem(KEY, key);
  if (url.href !== location.href) history.replaceState(null, "", url.pathname + url.search + url.hash);
  return key;
}

export function getKey() {
  return sessionStorage.getItem(KEY);
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

export async function api(path, { method = "GET", params = null, body = null } = {}) {
  const url = new URL(`/api/v1${path}`, location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, value);
  }
  const headers = { Accept: "application/json", Authorization: `Bearer ${getKey() || ""}` };
  if (body !== null) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === null ? null : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, "network", `fundgraph serve is not answering (${error.message})`);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = data && data.error ? data.error : { code: "http_error", message: response.statusText };
    const error = new ApiError(response.status, detail.code, detail.message, detail);
    if (response.status === 401) window.dispatchEvent(new CustomEvent("fundgraph:unauthorised", { detail: error }));
    throw error;
  }
  return data;
}

const cache = new Map();

// Small answers that don't change while the page is open (schema, documents, catalogue, plans).
export function cached(path, params) {
  const key = path + JSON.stringify(params || {});
  if (!cache.has(key)) cache.set(key, api(path, { params }).catch((error) => {
    cache.delete(key);
    throw error;
  }));
  return cache.get(key);
}

// Bytes the API serves with the key (a page image): an <img> cannot send a Bearer header, so the page fetches them
// and shows an object URL.
export async function apiObjectUrl(path) {
  const response = await fetch(new URL(`/api/v1${path}`, location.origin), { headers: { Authorization: `Bearer ${getKey() || ""}` } });
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    const detail = data && data.error ? data.error : { code: "http_error", message: response.statusText };
    throw new ApiError(response.status, detail.code, detail.message, detail);
  }
  return URL.createObjectURL(await response.blob());
}
