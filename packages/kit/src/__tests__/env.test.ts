import { commonEnv, EnvError, parseEnv, z } from '../index.js';

describe('parseEnv', () => {
  it('applies defaults and coerces numbers', () => {
    const env = parseEnv({ ...commonEnv, PORT: z.coerce.number().default(4001) }, { PORT: '5000', DATABASE_URL: '' });
    expect(env).toMatchObject({ NODE_ENV: 'development', PORT: 5000, DATA_DIR: './.data' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      parseEnv(commonEnv, {
        NODE_ENV: 'staging',
        DATABASE_URL: 'mysql://x/y',
        METRICS_TOKEN: 'short',
        EMBEDDED_PG_PORT: 'forever',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvError);
    const problems = (error as EnvError).problems.join('\n');
    for (const name of ['NODE_ENV', 'DATABASE_URL', 'METRICS_TOKEN', 'EMBEDDED_PG_PORT'])
      expect(problems).toContain(name);
  });
});
