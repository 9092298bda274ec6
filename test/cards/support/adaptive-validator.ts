import {
  ACTION_TYPES,
  CARD_PROPERTIES,
  CHART_PROPERTIES,
  CHART_TYPES,
  ELEMENT_TYPES,
  PART_TYPES,
  type Rule,
  type TypeRule,
} from './adaptive-schema.js';

/**
 * Validates an Adaptive Card against the 1.5 structure (adaptive-schema.ts) and the Teams rules of
 * chat-platforms.md §2.4:
 * - top level: type AdaptiveCard, version "1.5", a $schema;
 * - every Action.Execute sits in an ActionSet and has an Action.Submit fallback (old clients), unless the
 *   caller allows its absence;
 * - at most 6 actions per ActionSet (Teams host config `actions.maxActions`);
 * - refresh.action is Action.Execute, refresh.userIds ≤ 60;
 * - the payload ≤ 40 KB measured as UTF-16.
 * Returns every problem found, each with its JSON path; [] means valid.
 */

export interface AdaptiveValidationOptions {
  /** Accept Action.Execute without its Action.Submit fallback (the renderer's documented degraded mode). */
  allowMissingSubmitFallback?: boolean;
}

type JsonValue = unknown;

function isObject(value: JsonValue): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rules that look at one value alone. */
const SCALAR_RULES: Partial<Record<Rule['kind'], { test: (value: unknown) => boolean; message: string }>> = {
  string: { test: (value) => typeof value === 'string', message: 'must be a string' },
  boolean: { test: (value) => typeof value === 'boolean', message: 'must be a boolean' },
  number: {
    test: (value) => typeof value === 'number' && Number.isFinite(value),
    message: 'must be a number',
  },
  stringOrNumber: {
    test: (value) => typeof value === 'string' || typeof value === 'number',
    message: 'must be a string or number',
  },
  pixels: {
    test: (value) => typeof value === 'string' && /^\d+px$/.test(value),
    message: 'must be like "50px"',
  },
  data: {
    test: (value) => typeof value === 'string' || isObject(value),
    message: 'must be a string or an object',
  },
  stringArray: {
    test: (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
    message: 'must be an array of strings',
  },
  stringMap: {
    test: (value) => isObject(value) && Object.values(value).every((item) => typeof item === 'string'),
    message: 'must map names to version strings',
  },
  any: { test: () => true, message: '' },
};

class Validator {
  readonly errors: string[] = [];
  constructor(private readonly options: AdaptiveValidationOptions) {}

  fail(path: string, message: string): void {
    this.errors.push(`${path}: ${message}`);
  }

  card(card: JsonValue, path: string, topLevel: boolean): void {
    if (!isObject(card)) {
      this.fail(path, 'a card must be an object');
      return;
    }
    if (card['type'] !== 'AdaptiveCard') this.fail(path, 'type must be "AdaptiveCard"');
    if (topLevel && card['version'] !== '1.5')
      this.fail(path, 'version must be "1.5" (Teams, Universal Actions)');
    if (topLevel && typeof card['$schema'] !== 'string') this.fail(path, '$schema is missing');
    this.properties(card, { properties: CARD_PROPERTIES, required: topLevel ? ['version'] : [] }, path);
    const refresh = card['refresh'];
    if (isObject(refresh)) {
      if (!isObject(refresh['action']) || refresh['action']['type'] !== 'Action.Execute') {
        this.fail(`${path}.refresh.action`, 'must be an Action.Execute');
      }
      const userIds = refresh['userIds'];
      if (Array.isArray(userIds) && userIds.length > 60)
        this.fail(`${path}.refresh.userIds`, 'at most 60 users');
    }
    const actions = card['actions'];
    if (Array.isArray(actions)) this.actionList(actions, `${path}.actions`, true);
  }

  properties(value: Record<string, unknown>, rule: TypeRule, path: string): void {
    for (const key of rule.required) {
      if (!(key in value)) this.fail(path, `"${key}" is required`);
    }
    for (const [key, item] of Object.entries(value)) {
      const propertyRule = rule.properties[key];
      if (propertyRule === undefined) this.fail(`${path}.${key}`, 'property not allowed here');
      else this.value(item, propertyRule, `${path}.${key}`);
    }
  }

  value(value: JsonValue, rule: Rule, path: string): void {
    if (rule.kind === 'enum') {
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        this.fail(path, `must be one of ${rule.values.join(', ')}`);
      }
      return;
    }
    if (rule.kind === 'array' || rule.kind === 'object') {
      if (rule.kind === 'object') this.part(value, rule.of, path);
      else if (!Array.isArray(value)) this.fail(path, `must be an array of ${rule.of}`);
      else
        value.forEach((item, index) => {
          this.part(item, rule.of, `${path}[${index}]`);
        });
      return;
    }
    const scalar = SCALAR_RULES[rule.kind];
    if (scalar !== undefined) {
      if (!scalar.test(value)) this.fail(path, scalar.message);
      return;
    }
    this.nested(value, rule.kind, path);
  }

  /** Rules whose value holds elements, actions or a card. */
  nested(value: JsonValue, kind: Rule['kind'], path: string): void {
    if (kind === 'elements' || kind === 'actions') {
      if (!Array.isArray(value)) {
        this.fail(path, `must be an array of ${kind}`);
        return;
      }
      value.forEach((item, index) => {
        if (kind === 'elements') this.element(item, `${path}[${index}]`);
        else this.action(item, `${path}[${index}]`, true);
      });
    } else if (kind === 'element' || (kind === 'elementFallback' && value !== 'drop'))
      this.element(value, path);
    else if (kind === 'actionFallback' && value !== 'drop') this.action(value, path, false);
    else if (kind === 'card') this.card(value, path, false);
  }

  part(value: JsonValue, typeName: string, path: string): void {
    if (!isObject(value)) {
      this.fail(path, `must be a ${typeName} object`);
      return;
    }
    if ('type' in value && value['type'] !== typeName) this.fail(path, `type must be "${typeName}"`);
    const rule = PART_TYPES[typeName] ?? ACTION_TYPES[typeName];
    if (rule === undefined) {
      this.fail(path, `unknown part ${typeName}`);
      return;
    }
    this.properties(value, rule, path);
  }

  element(value: JsonValue, path: string): void {
    if (!isObject(value) || typeof value['type'] !== 'string') {
      this.fail(path, 'an element needs a type');
      return;
    }
    const type = value['type'];
    const chart = CHART_TYPES[type];
    if (chart !== undefined) {
      this.chart(value, chart.dataKeys, path);
      return;
    }
    const rule = ELEMENT_TYPES[type];
    if (rule === undefined) {
      this.fail(path, `"${type}" is not an Adaptive Card 1.5 element`);
      return;
    }
    this.properties(value, rule, path);
    if (type === 'ActionSet' && Array.isArray(value['actions']) && value['actions'].length > 6) {
      this.fail(`${path}.actions`, 'Teams shows at most 6 actions per set');
    }
  }

  /** A Teams chart: its own documented properties, plus a fallback that 1.5 clients can render. */
  chart(value: Record<string, unknown>, dataKeys: Record<string, string>, path: string): void {
    for (const key of Object.keys(value)) {
      if (!CHART_PROPERTIES.has(key)) this.fail(`${path}.${key}`, 'property not allowed on a chart');
    }
    const data = value['data'];
    if (!Array.isArray(data)) this.fail(`${path}.data`, 'a chart needs data');
    else {
      data.forEach((point, index) => {
        if (!isObject(point)) {
          this.fail(`${path}.data[${index}]`, 'must be an object');
          return;
        }
        for (const [key, item] of Object.entries(point)) {
          const kind = dataKeys[key];
          const ok =
            kind === 'number'
              ? typeof item === 'number'
              : kind === 'string'
                ? typeof item === 'string'
                : kind !== undefined;
          if (!ok) this.fail(`${path}.data[${index}].${key}`, 'unexpected chart data');
        }
      });
    }
    if (value['fallback'] === undefined || value['fallback'] === 'drop') {
      this.fail(`${path}.fallback`, 'a chart must fall back to a 1.5 element');
    } else this.element(value['fallback'], `${path}.fallback`);
  }

  actionList(actions: unknown[], path: string, topLevel: boolean): void {
    actions.forEach((action, index) => {
      this.action(action, `${path}[${index}]`, !topLevel);
    });
  }

  action(value: JsonValue, path: string, inActionSet: boolean): void {
    if (!isObject(value) || typeof value['type'] !== 'string') {
      this.fail(path, 'an action needs a type');
      return;
    }
    const rule = ACTION_TYPES[value['type']];
    if (rule === undefined) {
      this.fail(path, `"${value['type']}" is not an Adaptive Card 1.5 action`);
      return;
    }
    this.properties(value, rule, path);
    if (value['type'] !== 'Action.Execute' || path.endsWith('.fallback')) return;
    if (typeof value['verb'] !== 'string' || value['verb'] === '')
      this.fail(path, 'Action.Execute needs a verb');
    if (!inActionSet && !path.includes('.card.')) this.fail(path, 'Action.Execute belongs in an ActionSet');
    const fallback = value['fallback'];
    const hasSubmit = isObject(fallback) && fallback['type'] === 'Action.Submit';
    if (!hasSubmit && this.options.allowMissingSubmitFallback !== true) {
      this.fail(`${path}.fallback`, 'Action.Execute needs an Action.Submit fallback for old clients');
    }
  }
}

export const TEAMS_HARD_LIMIT_BYTES = 40 * 1024;

export function validateAdaptiveCard(card: unknown, options: AdaptiveValidationOptions = {}): string[] {
  const validator = new Validator(options);
  validator.card(card, '$', true);
  const bytes = JSON.stringify(card).length * 2;
  if (bytes > TEAMS_HARD_LIMIT_BYTES) validator.fail('$', `${bytes} bytes (UTF-16) exceed Teams' 40 KB`);
  return validator.errors;
}
