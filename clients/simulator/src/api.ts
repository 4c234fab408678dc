import { callGateway } from '@switchyard/cli';

/** The few gateway calls the simulator makes. */
export class Gateway {
  constructor(private readonly url: string) {}

  /** One operation (`callGateway`: a 429 is waited out as Retry-After says). */
  call<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
    return callGateway<T>(this.url, query, variables, token);
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
