import { engineContract } from '@agentdb/engine/contract';
import { openEngine } from './helpers/engine.js';

engineContract('postgres', { open: ({ clock }) => openEngine({ clock }) });
