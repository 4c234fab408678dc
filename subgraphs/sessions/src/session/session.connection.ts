import { connectionType } from '@switchyard/kit';
import { Session } from './session.entity.js';

export const SessionConnection = connectionType(Session);
