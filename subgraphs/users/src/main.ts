import { runSubgraph } from '@switchyard/kit';
import { usersEnv } from './env.js';
import { startUsers } from './service.js';

runSubgraph('users', usersEnv, startUsers);
