// The config's objective: checked by the strategies' own reader, stored as written.
import { type Json } from '../util/index.js';
import { type Objective, StrategyError, objectiveFromSpec } from '../strategies/index.js';
import { ConfigError } from './config-errors.js';

/** Throws a ConfigError naming `objective` unless `spec` names an objective; returns it unchanged. */
export function resolveObjectiveSpec(file: string, spec: Json): Json {
  objectiveOf(spec, file);
  return spec;
}

/** The objective a (stored) config names. */
export function objectiveOf(spec: Json, file = 'config'): Objective {
  try {
    return objectiveFromSpec(spec);
  } catch (e) {
    if (e instanceof StrategyError) {
      // the reader's messages mostly start with the field ('objective.metric: ...'); name it when not
      throw e.message.startsWith('objective') ? new ConfigError(file, '', e.message) : new ConfigError(file, 'objective', `is invalid: ${e.message}`);
    }
    throw e;
  }
}
