/**
 * What a `set` event may change (MODEL.md section 9, `set`), and how.
 *
 * Settable paths:
 *   providers.<id>.price | quality | unitCost | fixedCost | exitRisk | serves | switchCostFactor
 *   providers.<id>.funding (a map, or null to switch funding off)
 *   providers.<id>.funding.below | probability | amount (the provider must have funding by then)
 *   horizon, qualityReference (a number or {value, frontierWeight}), qualityReference.value | frontierWeight
 *   startups.entry.rate | qualityElasticity
 *   classes.<class>.<field> and classes.<class>.<field>.<part>, for every class field but `share`
 *
 * Not settable: ids, names, a provider's `cash` (a state, changed by the
 * accounts; injections are `funding`), a class's `share` (one set could
 * not keep the shares summing to 1), and everything fixed at the start
 * (start, months, seed, runs, startups.initial, initialProviders).
 *
 * What a path names, read from the path alone, is set-place.ts's; the
 * model compiles a `set` from that, without this module's schemas.
 */
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { issuesToDiagnostics } from './issues.js';
import * as msg from './messages.js';
import {
  classSchema,
  qualityReferenceObjectSchema,
  providerFundingSchema,
  providerSchema,
  scenarioSchema,
  type ProviderSpec,
  type Scenario,
} from './schema.js';
import { type SetPlace, setPlaceOf } from './set-place.js';

/** Provider fields that may be expressions; the others are data. */
export const dynamicProviderFields = ['price', 'quality', 'unitCost', 'fixedCost', 'exitRisk'] as const;

/** A resolved settable path: its place (set-place.ts) and the schema of its value. */
export type SetTarget = SetPlace & { schema: z.ZodType };

/** All provider ids of the scenario: those at start, then those that enter. */
export function providerIds(s: Scenario): string[] {
  return [...s.providers.map((p) => p.id), ...s.events.flatMap((e) => (e.enter ? [e.enter.id] : []))];
}

/** Resolves `path`, or says why it cannot be set. */
export function resolveSetPath(s: Scenario, path: string): SetTarget | string {
  const place = setPlaceOf(path);
  switch (place?.kind) {
    case 'provider': {
      const ids = providerIds(s);
      if (!ids.includes(place.id)) return msg.unknownProvider(place.id, ids);
      // `funding: null` switches a provider's funding off from that month on.
      const schema = place.field === 'funding' ? providerFundingSchema.nullable() : unwrapOptional(providerSchema.shape[place.field]);
      return { ...place, schema };
    }
    case 'providerFunding': {
      const ids = providerIds(s);
      if (!ids.includes(place.id)) return msg.unknownProvider(place.id, ids);
      return { ...place, schema: providerFundingSchema.shape[place.field] };
    }
    case 'scenario': {
      const [head, part] = place.keys;
      if (head === 'startups') {
        const entry = scenarioSchema.shape.startups.shape.entry.unwrap().shape;
        return { ...place, schema: unwrapOptional(place.keys[2] === 'rate' ? entry.rate : entry.qualityElasticity) };
      }
      if (head === 'qualityReference' && part !== undefined) {
        return { ...place, schema: unwrapOptional(qualityReferenceObjectSchema.shape[part as 'value' | 'frontierWeight']) };
      }
      return { ...place, schema: unwrapOptional(scenarioSchema.shape[head as 'horizon' | 'qualityReference']) };
    }
    case 'class': {
      const [field, part] = place.keys;
      if (!Object.hasOwn(classSchema.shape, field)) break;
      const fieldSchema: z.ZodType = classSchema.shape[field as keyof typeof classSchema.shape];
      let schema: z.ZodType | undefined = fieldSchema;
      if (part !== undefined) {
        schema = fieldSchema instanceof z.ZodObject && Object.hasOwn(fieldSchema.shape, part) ? (fieldSchema.shape[part] as z.ZodType) : undefined;
      }
      if (!schema) break;
      if (!Object.hasOwn(s.classes, place.id)) return msg.unknownClass(place.id, Object.keys(s.classes));
      return { ...place, schema };
    }
  }
  return msg.notSettable(path);
}

function unwrapOptional(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional || schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
}

/** The spec of provider `id`: among `providers`, else in its `enter` event. */
export function providerSpec(s: Scenario, id: string): ProviderSpec | undefined {
  return s.providers.find((p) => p.id === id) ?? s.events.find((e) => e.enter?.id === id)?.enter;
}

/**
 * Writes an already-validated `value` at `target` in `s` (mutating it).
 * Returns an error message when the target has nothing to change (funding absent).
 */
export function writeSet(s: Scenario, target: SetTarget, value: unknown): string | undefined {
  switch (target.kind) {
    case 'provider': {
      const spec = providerSpec(s, target.id) as Record<string, unknown>;
      if (value === null) delete spec[target.field];
      else spec[target.field] = value;
      return undefined;
    }
    case 'providerFunding': {
      const spec = providerSpec(s, target.id);
      if (!spec?.funding) return msg.noFundingToChange(target.id);
      (spec.funding as Record<string, unknown>)[target.field] = value;
      return undefined;
    }
    case 'scenario':
      // A part of a quality reference written as a number: the number is its value, its weight 0.
      if (target.keys[0] === 'qualityReference' && target.keys.length === 2 && typeof s.qualityReference === 'number') {
        s.qualityReference = { value: s.qualityReference, frontierWeight: 0 };
      }
      writeAt(s as unknown as Record<string, unknown>, target.keys, value);
      return undefined;
    case 'class':
      writeAt(s.classes[target.id] as unknown as Record<string, unknown>, target.keys, value);
      return undefined;
  }
}

function writeAt(object: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let o = object;
  for (const key of keys.slice(0, -1)) o = o[key] as Record<string, unknown>;
  o[keys[keys.length - 1]] = value;
}

/**
 * Applies a `set` (dotted path, value) to a deep copy of the scenario and
 * returns the copy. The value is validated (and its defaults filled) by the
 * target's schema; whole-document rules (e.g. that `serves` names existing
 * classes) are `checkScenario`'s.
 * @throws UsageError when the path cannot be set or the value does not fit.
 */
export function applySet(s: Scenario, path: string, value: unknown): Scenario {
  const target = resolveSetPath(s, path);
  if (typeof target === 'string') throw new UsageError(`${path}: ${target}`);
  const parsed = target.schema.safeParse(value, { error: msg.issueMessage });
  if (!parsed.success) {
    const [first] = issuesToDiagnostics(parsed.error.issues, target.schema, value, () => ({ file: '', line: 0 }));
    const where = first.path === '' ? path : first.path.startsWith('[') ? path + first.path : `${path}.${first.path}`;
    throw new UsageError(`${where}: ${first.message}`);
  }
  const copy = structuredClone(s);
  const problem = writeSet(copy, target, parsed.data);
  if (problem) throw new UsageError(`${path}: ${problem}`);
  return copy;
}
