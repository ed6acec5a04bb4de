export type Response<T = any> = { status: number; body: T; headers: Headers };

export type RequestOptions = {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string;
};

/** A thin HTTP client over fetch: every test talks to the server through real HTTP. */
export function client(baseUrl: string) {
  async function request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Response<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  return {
    request,
    get: <T = any>(path: string, o?: RequestOptions) => request<T>('GET', path, o),
    post: <T = any>(path: string, body?: unknown, o?: RequestOptions) =>
      request<T>('POST', path, { ...o, body }),
    patch: <T = any>(path: string, body?: unknown, o?: RequestOptions) =>
      request<T>('PATCH', path, { ...o, body }),
    put: <T = any>(path: string, body?: unknown, o?: RequestOptions) =>
      request<T>('PUT', path, { ...o, body }),
    delete: <T = any>(path: string, o?: RequestOptions) => request<T>('DELETE', path, o),
  };
}

export type Client = ReturnType<typeof client>;
