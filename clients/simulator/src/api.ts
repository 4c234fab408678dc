const MAX_ATTEMPTS = 10;

/** The few gateway calls the simulator makes. */
export class Gateway {
  constructor(private readonly url: string) {}

  /** One operation; when the gateway's rate limit answers 429, waits as Retry-After says and tries again. */
  async call<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
    let response: Response;
    for (let attempt = 1; ; attempt++) {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      if (response.status !== 429 || attempt === MAX_ATTEMPTS) break;
      await response.body?.cancel();
      const waitSec = Math.min(Number(response.headers.get('retry-after')) || 1, 60);
      await new Promise((resolve) => setTimeout(resolve, waitSec * 1000));
    }
    const body = (await response.json().catch(() => ({}))) as {
      data?: T;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    if (body.errors?.length || !body.data) {
      const error = body.errors?.[0];
      throw Object.assign(new Error(error ? error.message : `HTTP ${response.status}`), {
        code: error?.extensions?.code,
      });
    }
    return body.data;
  }

  /** Registers the account, or signs in when it exists already. */
  async signIn(email: string, password: string): Promise<{ id: string; token: string }> {
    const variables = { email, password };
    const select = '{ token user { id } }';
    try {
      const { register } = await this.call<{ register: Auth }>(
        `mutation($email: String!, $password: String!) { register(email: $email, password: $password) ${select} }`,
        variables,
      );
      return { id: register.user.id, token: register.token };
    } catch (error) {
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
      const { login } = await this.call<{ login: Auth }>(
        `mutation($email: String!, $password: String!) { login(email: $email, password: $password) ${select} }`,
        variables,
      );
      return { id: login.user.id, token: login.token };
    }
  }
}

interface Auth {
  token: string;
  user: { id: string };
}
