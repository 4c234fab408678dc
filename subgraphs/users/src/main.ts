import { runService } from '@switchyard/kit';
import { usersEnv } from './env.js';
import { startUsers } from './service.js';

runService('users', usersEnv, startUsers);
