// Reading an objective from what a search config (or a command-line flag) holds. Forms:
//   'accuracy'                         maximize valAccuracy
//   'valAccuracy', '-latencyMs_raspi4' maximize / minimize one metric (a leading '-' minimizes)
//   'valAccuracy,-flops'               a Pareto front over the listed metrics
//   { name: 'accuracy', metric?: 'valAccuracy' }
//   { name: 'maximize' | 'minimize', metric: 'trainTime' }
//   { name: 'mnasnet', metric: 'latencyMs_raspi4', target: 80, mode?: 'soft' | 'hard', w?, alpha?, beta?, accuracy? }
//   { name: 'constraint', metric: 'params', max?: 5e6, min?, objective?: <spec>, floor? }
//   { name: 'pareto', metrics: ['valAccuracy', '-flops'] }  (or metrics: 'valAccuracy,-flops')
// Every mistake is a StrategyError('invalid-objective') naming the field, the value and what is allowed.
import { type Json, didYouMean } from '../util/index.js';
import { StrategyError } from './errors.js';
import { type Objective, MNASNET_HARD, MNASNET_SOFT, constrained, maximize, minimize, mnasnetReward, paretoObjective } from './objective.js';
import { parseParetoMetrics } from './pareto.js';

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  accuracy: ['metric'],
  maximize: ['metric'],
  minimize: ['metric'],
  mnasnet: ['metric', 'target', 'mode', 'w', 'alpha', 'beta', 'accuracy'],
  constraint: ['metric', 'max', 'min', 'objective', 'floor'],
  pareto: ['metrics'],
};

export const OBJECTIVE_NAMES: readonly string[] = Object.keys(FIELDS);

function fail(where: string, message: string): never {
  throw new StrategyError(`objective${where}: ${message}`, 'invalid-objective');
}

const METRIC = /^[A-Za-z_][\w.]*$/;

function metricName(where: string, field: string, v: Json | undefined, required: boolean): string | undefined {
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !METRIC.test(v)) {
    fail(
      where,
      `'${field}' must be a metric name as the evaluator gives it (e.g. 'valAccuracy', 'flops', 'params', 'latencyMs_raspi4'), got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function num(where: string, field: string, v: Json | undefined, rule: string, ok: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) fail(where, `'${field}' must be ${rule}, got ${JSON.stringify(v)}`);
  return v;
}

/** The objective a short string names. */
function fromString(where: string, s: string): Objective {
  const t = s.trim();
  if (t === 'accuracy') return maximize('valAccuracy');
  if (t.includes(',')) return paretoObjective(parseParetoMetrics(t));
  const name = t.replace(/^[+-]/, '');
  if (!METRIC.test(name)) {
    fail(where, `${JSON.stringify(s)} is neither 'accuracy', a metric name ('-name' minimizes), nor a comma-separated Pareto list like 'valAccuracy,-flops'`);
  }
  if (FIELDS[name]) {
    fail(where, `'${name}' needs its fields; write it as an object, e.g. ${EXAMPLES[name]}`);
  }
  return t.startsWith('-') ? minimize(name) : maximize(name);
}

const EXAMPLES: Readonly<Record<string, string>> = {
  maximize: "{ name: 'maximize', metric: 'valAccuracy' }",
  minimize: "{ name: 'minimize', metric: 'latencyMs_raspi4' }",
  mnasnet: "{ name: 'mnasnet', metric: 'latencyMs_raspi4', target: 80 }",
  constraint: "{ name: 'constraint', metric: 'params', max: 5e6 }",
  pareto: "{ name: 'pareto', metrics: ['valAccuracy', '-flops'] }",
};

function fromObject(where: string, o: { readonly [k: string]: Json }): Objective {
  const name = o.name;
  if (typeof name !== 'string') fail(where, `'name' must be one of ${OBJECTIVE_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  const fields = FIELDS[name];
  if (!fields) fail(where, `unknown objective name '${name}'.${didYouMean(name, OBJECTIVE_NAMES)} Known: ${OBJECTIVE_NAMES.join(', ')}`);
  for (const k of Object.keys(o)) {
    if (k !== 'name' && !fields.includes(k)) fail(where, `'${name}' has no field '${k}'.${didYouMean(k, [...fields])} Its fields: ${fields.join(', ')}`);
  }
  switch (name) {
    case 'accuracy':
      return maximize(metricName(where, 'metric', o.metric, false) ?? 'valAccuracy');
    case 'maximize':
      return maximize(metricName(where, 'metric', o.metric, true)!);
    case 'minimize':
      return minimize(metricName(where, 'metric', o.metric, true)!);
    case 'mnasnet':
      return mnasnetFrom(where, o);
    case 'constraint': {
      const max = num(where, 'max', o.max, 'a finite number', () => true);
      const min = num(where, 'min', o.min, 'a finite number', () => true);
      if (max === undefined && min === undefined) fail(where, "'constraint' needs 'max' (feasible when metric ≤ max) or 'min' (metric ≥ min)");
      const floor = num(where, 'floor', o.floor, 'a finite number', () => true);
      return constrained({
        metric: metricName(where, 'metric', o.metric, true)!,
        ...(max !== undefined ? { max } : {}),
        ...(min !== undefined ? { min } : {}),
        ...(floor !== undefined ? { floor } : {}),
        objective: o.objective === undefined ? maximize('valAccuracy') : parse(`${where}.objective`, o.objective),
      });
    }
    default: {
      const m = o.metrics;
      const list = typeof m === 'string' ? m : Array.isArray(m) && m.every((x) => typeof x === 'string') ? (m as string[]) : undefined;
      if (list === undefined)
        fail(where, `'metrics' must be a list of metric names (a leading '-' minimizes), e.g. ['valAccuracy', '-flops'], got ${JSON.stringify(m)}`);
      try {
        return paretoObjective(parseParetoMetrics(list));
      } catch (e) {
        return fail(where, (e as Error).message);
      }
    }
  }
}

function mnasnetFrom(where: string, o: { readonly [k: string]: Json }): Objective {
  const metric = metricName(where, 'metric', o.metric, true)!;
  if (o.target === undefined) fail(where, "'mnasnet' needs 'target': the target T of the cost metric, in its units (e.g. 80 for 80 ms)");
  const target = num(where, 'target', o.target, "a positive number (the target T, in the metric's units)", (n) => n > 0)!;
  const mode = o.mode ?? 'soft';
  if (mode !== 'soft' && mode !== 'hard')
    fail(where, `'mode' must be 'soft' (w = -0.07 everywhere) or 'hard' (w = 0 up to the target, -1 above), got ${JSON.stringify(mode)}`);
  const w = num(where, 'w', o.w, 'a finite number (e.g. -0.07)', () => true);
  if (w !== undefined && mode === 'hard') fail(where, "'w' sets the soft setting's one exponent; with mode 'hard' give 'alpha' and 'beta' instead");
  const base = mode === 'hard' ? MNASNET_HARD : w !== undefined ? { alpha: w, beta: w } : MNASNET_SOFT;
  const alpha = num(where, 'alpha', o.alpha, 'a finite number (the exponent when the metric ≤ target)', () => true) ?? base.alpha;
  const beta = num(where, 'beta', o.beta, 'a finite number (the exponent when the metric > target)', () => true) ?? base.beta;
  const accuracy = metricName(where, 'accuracy', o.accuracy, false);
  return mnasnetReward({ metric, target, alpha, beta, ...(accuracy ? { accuracy } : {}) });
}

function parse(where: string, spec: Json): Objective {
  if (typeof spec === 'string') return fromString(where, spec);
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) return fromObject(where, spec as { readonly [k: string]: Json });
  return fail(
    where,
    `expected a name like 'accuracy', a Pareto list like 'valAccuracy,-flops', or an object with a 'name' (${OBJECTIVE_NAMES.join(', ')}), got ${JSON.stringify(spec)}`,
  );
}

/**
 * The objective `spec` describes (see the forms at the top of this file). A string that looks
 * like JSON (starts with '{' or '"') is parsed first, so a command-line flag can hold either form.
 */
export function objectiveFromSpec(spec: Json): Objective {
  if (typeof spec === 'string' && /^\s*[{"]/.test(spec)) {
    let parsed: Json;
    try {
      parsed = JSON.parse(spec) as Json;
    } catch (e) {
      return fail('', `${JSON.stringify(spec)} starts like JSON but does not parse (${(e as Error).message})`);
    }
    return parse('', parsed);
  }
  return parse('', spec);
}
