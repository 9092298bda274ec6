/**
 * The structural rules of Adaptive Cards 1.5 that this project's cards can touch, written down from the
 * official schema (adaptivecards.io/schemas/1.5.0/adaptive-card.json, in github.com/microsoft/AdaptiveCards
 * schemas/1.5.0/). No package that npm serves ships that JSON schema (adaptivecards 3.0.6, adaptivecards-
 * designer 2.4.4 — only a 1.0-era schema —, @microsoft/adaptivecards-tools, @microsoft/teams.cards were
 * checked), so the facts are encoded here rather than copied.
 *
 * Per type: the properties it allows (the schema says `additionalProperties: false` for each of these), the
 * required ones, and the value rule of each property. Enumerations are the schema's, in the schema's case.
 */

export type Rule =
  | { kind: 'string' }
  | { kind: 'boolean' }
  | { kind: 'number' }
  | { kind: 'stringOrNumber' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'pixels' }
  | { kind: 'elements' }
  | { kind: 'element' }
  | { kind: 'elementFallback' }
  | { kind: 'actions' }
  | { kind: 'actionFallback' }
  | { kind: 'data' }
  | { kind: 'card' }
  | { kind: 'stringArray' }
  | { kind: 'stringMap' }
  | { kind: 'array'; of: string }
  | { kind: 'object'; of: string }
  | { kind: 'any' };

export interface TypeRule {
  properties: Record<string, Rule>;
  required: readonly string[];
}

const str: Rule = { kind: 'string' };
const bool: Rule = { kind: 'boolean' };
const num: Rule = { kind: 'number' };
const oneOf = (...values: string[]): Rule => ({ kind: 'enum', values });

export const COLORS = oneOf('default', 'dark', 'light', 'accent', 'good', 'warning', 'attention');
export const CONTAINER_STYLE = oneOf('default', 'emphasis', 'good', 'attention', 'warning', 'accent');
const SPACING = oneOf('default', 'none', 'small', 'medium', 'large', 'extraLarge', 'padding');
const H_ALIGN = oneOf('left', 'center', 'right');
const V_ALIGN = oneOf('top', 'center', 'bottom');
const ACTION_STYLE = oneOf('default', 'positive', 'destructive');

/** Extendable.Element: what every element may carry. */
const ELEMENT_BASE: Record<string, Rule> = {
  type: str,
  fallback: { kind: 'elementFallback' },
  height: oneOf('auto', 'stretch'),
  separator: bool,
  spacing: SPACING,
  id: str,
  isVisible: bool,
  requires: { kind: 'stringMap' },
};

/** Extendable.Action: what every action may carry. */
const ACTION_BASE: Record<string, Rule> = {
  type: str,
  title: str,
  iconUrl: str,
  id: str,
  style: ACTION_STYLE,
  fallback: { kind: 'actionFallback' },
  tooltip: str,
  isEnabled: bool,
  mode: oneOf('primary', 'secondary'),
  requires: { kind: 'stringMap' },
};

const CONTAINER_LIKE: Record<string, Rule> = {
  items: { kind: 'elements' },
  selectAction: { kind: 'any' },
  style: CONTAINER_STYLE,
  verticalContentAlignment: V_ALIGN,
  bleed: bool,
  backgroundImage: { kind: 'any' },
  minHeight: { kind: 'pixels' },
};

export const ELEMENT_TYPES: Record<string, TypeRule> = {
  TextBlock: {
    properties: {
      ...ELEMENT_BASE,
      text: str,
      color: COLORS,
      fontType: oneOf('default', 'monospace'),
      horizontalAlignment: H_ALIGN,
      isSubtle: bool,
      maxLines: num,
      size: oneOf('default', 'small', 'medium', 'large', 'extraLarge'),
      weight: oneOf('default', 'lighter', 'bolder'),
      wrap: bool,
      style: oneOf('default', 'heading'),
    },
    required: ['text'],
  },
  FactSet: { properties: { ...ELEMENT_BASE, facts: { kind: 'array', of: 'Fact' } }, required: ['facts'] },
  Container: { properties: { ...ELEMENT_BASE, ...CONTAINER_LIKE, rtl: bool }, required: ['items'] },
  ColumnSet: {
    properties: {
      ...ELEMENT_BASE,
      columns: { kind: 'array', of: 'Column' },
      selectAction: { kind: 'any' },
      style: CONTAINER_STYLE,
      bleed: bool,
      minHeight: { kind: 'pixels' },
      horizontalAlignment: H_ALIGN,
    },
    required: [],
  },
  ActionSet: { properties: { ...ELEMENT_BASE, actions: { kind: 'actions' } }, required: ['actions'] },
  Table: {
    properties: {
      ...ELEMENT_BASE,
      columns: { kind: 'array', of: 'TableColumnDefinition' },
      rows: { kind: 'array', of: 'TableRow' },
      firstRowAsHeader: bool,
      showGridLines: bool,
      gridStyle: CONTAINER_STYLE,
      horizontalCellContentAlignment: H_ALIGN,
      verticalCellContentAlignment: V_ALIGN,
    },
    required: [],
  },
};

/** Types that appear only inside their parent (no `fallback`/`spacing` unless listed). */
export const PART_TYPES: Record<string, TypeRule> = {
  Fact: { properties: { type: str, title: str, value: str }, required: ['title', 'value'] },
  Column: {
    properties: {
      ...CONTAINER_LIKE,
      type: str,
      fallback: { kind: 'any' },
      rtl: bool,
      separator: bool,
      spacing: SPACING,
      width: { kind: 'stringOrNumber' },
      id: str,
      isVisible: bool,
      requires: { kind: 'stringMap' },
    },
    required: [],
  },
  TableColumnDefinition: {
    properties: {
      type: str,
      width: { kind: 'stringOrNumber' },
      horizontalCellContentAlignment: H_ALIGN,
      verticalCellContentAlignment: V_ALIGN,
    },
    required: [],
  },
  TableRow: {
    properties: {
      type: str,
      cells: { kind: 'array', of: 'TableCell' },
      style: CONTAINER_STYLE,
      horizontalCellContentAlignment: H_ALIGN,
      verticalCellContentAlignment: V_ALIGN,
    },
    required: [],
  },
  TableCell: { properties: { type: str, ...CONTAINER_LIKE }, required: ['items'] },
  Refresh: {
    properties: {
      type: str,
      action: { kind: 'object', of: 'Action.Execute' },
      userIds: { kind: 'stringArray' },
    },
    required: [],
  },
};

export const ACTION_TYPES: Record<string, TypeRule> = {
  'Action.Execute': {
    properties: {
      ...ACTION_BASE,
      verb: str,
      data: { kind: 'data' },
      associatedInputs: oneOf('Auto', 'None'),
    },
    required: [],
  },
  'Action.Submit': {
    properties: { ...ACTION_BASE, data: { kind: 'data' }, associatedInputs: oneOf('Auto', 'None') },
    required: [],
  },
  'Action.ShowCard': { properties: { ...ACTION_BASE, card: { kind: 'card' } }, required: [] },
  'Action.OpenUrl': { properties: { ...ACTION_BASE, url: str }, required: ['url'] },
};

export const CARD_PROPERTIES: Record<string, Rule> = {
  type: str,
  version: str,
  refresh: { kind: 'object', of: 'Refresh' },
  authentication: { kind: 'any' },
  body: { kind: 'elements' },
  actions: { kind: 'actions' },
  selectAction: { kind: 'any' },
  fallbackText: str,
  backgroundImage: { kind: 'any' },
  minHeight: { kind: 'pixels' },
  rtl: bool,
  speak: str,
  lang: str,
  verticalContentAlignment: V_ALIGN,
  $schema: str,
};

/**
 * Teams chart elements ("Charts in Adaptive Cards", msteams-docs): newer than the 1.5 schema, so a card that
 * uses one is valid for 1.5 clients only through its `fallback`, which must itself be a 1.5 element.
 */
export const CHART_TYPES: Record<
  string,
  { dataKeys: Record<string, 'string' | 'number' | 'stringOrNumber'> }
> = {
  'Chart.VerticalBar': { dataKeys: { x: 'stringOrNumber', y: 'number', color: 'string' } },
  'Chart.Donut': { dataKeys: { legend: 'string', value: 'number', color: 'string' } },
};
export const CHART_PROPERTIES = new Set([
  ...Object.keys(ELEMENT_BASE),
  'title',
  'data',
  'colorSet',
  'color',
  'showBarValues',
  'showLegend',
  'xAxisTitle',
  'yAxisTitle',
  'horizontalAlignment',
]);
