import { statesOnly } from './health.controller';

describe(statesOnly.name, () => {
  it('keeps each dependency and its state, and drops what the drivers said', () => {
    expect(
      statesOnly({
        status: 'error',
        info: { broker: { status: 'up', publisher: 'up', consumers: 1 } },
        error: { database: { status: 'down', message: 'password authentication failed for user "billing"' } },
        details: {
          broker: { status: 'up', publisher: 'up', consumers: 1 },
          database: { status: 'down', message: 'connect ECONNREFUSED 10.0.3.4:5432' },
        },
      }),
    ).toEqual({
      status: 'error',
      info: { broker: { status: 'up' } },
      error: { database: { status: 'down' } },
      details: { broker: { status: 'up' }, database: { status: 'down' } },
    });
  });
});
