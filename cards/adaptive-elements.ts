import { confirmFor } from './actions.js';
import type { JsonObject } from './budget.js';
import type { Button, Chart, Fact, Progress, Tone } from './model.js';
import { chartTextBars, singleLine, truncate } from './text.js';

/**
 * Adaptive Card 1.5 element builders (schema facts from adaptivecards.io/schemas/1.5.0/adaptive-card.json;
 * Teams specifics from chat-platforms.md §2.4 and the Teams "Charts in Adaptive Cards" page).
 *
 * Text caps are this project's choice, not Microsoft's (Teams documents no per-TextBlock limit, only the
 * message size): long enough for any real name or reason, short enough that one field cannot eat the card.
 */
export const ADAPTIVE_TEXT = {
  title: 200,
  status: 200,
  factLabel: 100,
  factValue: 1000,
  caption: 300,
  cell: 300,
  note: 2000,
  chartLabel: 60,
} as const;

/** Teams' host config shows at most 6 actions per set (Adaptive Cards designer, microsoft-teams host config). */
export const TEAMS_MAX_ACTIONS_PER_SET = 6;

const TEXT_COLOR: Record<Tone, string> = {
  info: 'accent',
  success: 'good',
  warning: 'warning',
  danger: 'attention',
};
const CHART_COLOR: Record<Tone, string> = {
  info: 'categoricalBlue',
  success: 'good',
  warning: 'warning',
  danger: 'attention',
};
const ACTION_STYLE: Record<Button['style'], string | undefined> = {
  primary: 'positive',
  danger: 'destructive',
  default: undefined,
};

export function textBlock(text: string, extra: JsonObject = {}): JsonObject {
  return { type: 'TextBlock', text, wrap: true, ...extra };
}

export function titleBlock(title: string, tone: Tone): JsonObject {
  return textBlock(truncate(title, ADAPTIVE_TEXT.title), {
    size: 'large',
    weight: 'bolder',
    style: 'heading',
    color: TEXT_COLOR[tone],
  });
}

export function statusBlock(status: string, tone: Tone): JsonObject {
  return textBlock(truncate(singleLine(status), ADAPTIVE_TEXT.status), {
    weight: 'bolder',
    color: TEXT_COLOR[tone],
    spacing: 'none',
  });
}

/**
 * Plain text lines as TextBlock text: a TextBlock is Markdown, where one line break is no break
 * (AdaptiveCards issue #5538), so each break is doubled.
 */
export function lines(text: string, max: number): string {
  return truncate(text, max).replace(/\r?\n/g, '\n\n');
}

export function noteBlock(text: string, tone: Tone | undefined): JsonObject {
  const color: JsonObject = tone === undefined ? { isSubtle: true } : { color: TEXT_COLOR[tone] };
  return textBlock(lines(text, ADAPTIVE_TEXT.note), color);
}

export function factJson(fact: Fact): JsonObject {
  return {
    title: truncate(singleLine(fact.label), ADAPTIVE_TEXT.factLabel),
    value: truncate(fact.value, ADAPTIVE_TEXT.factValue),
  };
}

export function factSet(facts: JsonObject[]): JsonObject {
  return { type: 'FactSet', facts };
}

/** "40 of 100 done, 2 failed" plus a bar drawn as coloured columns (good / attention / emphasis). */
export function progressElements(progress: Progress, textCap: number): JsonObject[] {
  const label = progress.label === undefined ? '' : ` — ${singleLine(progress.label)}`;
  const failed = progress.failed > 0 ? `, ${progress.failed} failed` : '';
  const text = truncate(`${progress.done} of ${progress.total} done${failed}${label}`, textCap);
  const parts: [number, string][] = [
    [progress.done - progress.failed, 'good'],
    [progress.failed, 'attention'],
    [progress.total - progress.done, 'emphasis'],
  ];
  const columns = parts
    .filter(([weight]) => weight > 0)
    .map(([weight, style]): JsonObject => ({
      type: 'Column',
      width: weight,
      style,
      minHeight: '8px',
      items: [],
    }));
  const bar: JsonObject = {
    type: 'ColumnSet',
    spacing: 'small',
    columns:
      columns.length > 0
        ? columns
        : [{ type: 'Column', width: 1, style: 'good', minHeight: '8px', items: [] }],
  };
  return [textBlock(text, { weight: 'bolder' }), bar];
}

/** The chart element newer Teams clients draw, falling back to monospace text bars everywhere else. */
export function chartElement(chart: Chart): JsonObject {
  const fallback: JsonObject = {
    type: 'Container',
    items: chartTextBars(chart).map((line) => textBlock(line, { fontType: 'monospace', spacing: 'none' })),
  };
  const title = truncate(singleLine(chart.title), ADAPTIVE_TEXT.caption);
  const label = (text: string): string => truncate(singleLine(text), ADAPTIVE_TEXT.chartLabel);
  const color = (tone: Tone | undefined): JsonObject =>
    tone === undefined ? {} : { color: CHART_COLOR[tone] };
  if (chart.kind === 'donut') {
    const data = chart.series.map((point) => ({
      legend: label(point.label),
      value: point.value,
      ...color(point.tone),
    }));
    return { type: 'Chart.Donut', title, data, fallback };
  }
  const data = chart.series.map((point) => ({ x: label(point.label), y: point.value, ...color(point.tone) }));
  return { type: 'Chart.VerticalBar', title, showBarValues: true, data, fallback };
}

/**
 * How much of each button a card can afford. The renderer starts at the first level and moves down only
 * when the buttons alone would crowd out the content (a worst case of 30 buttons with long confirmations).
 */
export interface ActionLevel {
  /** Each Action.Execute carries an Action.Submit fallback for clients without Universal Actions. */
  submitFallback: boolean;
  /** Danger buttons ask first (Action.ShowCard); off only as the last resort, when nothing else fits. */
  confirmations: boolean;
  titleCap: number;
  confirmTitleCap: number;
  confirmTextCap: number;
  /** Subtitle and progress text, which share the card's fixed part with the buttons. */
  subtitleCap: number;
}

export const ACTION_LEVELS: readonly ActionLevel[] = [
  {
    submitFallback: true,
    confirmations: true,
    titleCap: 40,
    confirmTitleCap: 200,
    confirmTextCap: 1000,
    subtitleCap: 1000,
  },
  {
    submitFallback: false,
    confirmations: true,
    titleCap: 40,
    confirmTitleCap: 200,
    confirmTextCap: 300,
    subtitleCap: 1000,
  },
  {
    submitFallback: false,
    confirmations: true,
    titleCap: 24,
    confirmTitleCap: 60,
    confirmTextCap: 120,
    subtitleCap: 500,
  },
  {
    submitFallback: false,
    confirmations: false,
    titleCap: 24,
    confirmTitleCap: 0,
    confirmTextCap: 0,
    subtitleCap: 200,
  },
];

function executeAction(button: Button, title: string, withFallback: boolean): JsonObject {
  const style = ACTION_STYLE[button.style];
  const action: JsonObject = {
    type: 'Action.Execute',
    title,
    verb: button.id,
    data: { ...button.data },
    ...(style === undefined ? {} : { style }),
  };
  if (!withFallback) return action;
  // Clients without Universal Actions send Action.Submit as a message activity whose value is this data.
  const submit: JsonObject = {
    type: 'Action.Submit',
    title,
    data: { verb: button.id, ...button.data },
    ...(style === undefined ? {} : { style }),
  };
  return { ...action, fallback: submit };
}

/**
 * One button. A button that needs confirming (danger, or with its own confirm) becomes Action.ShowCard
 * holding the question and the real action, since Adaptive Cards 1.5 has no confirmation dialog.
 */
export function buttonAction(button: Button, level: ActionLevel): JsonObject {
  const title = truncate(singleLine(button.label), level.titleCap);
  const confirm = level.confirmations ? confirmFor(button) : undefined;
  if (confirm === undefined) return executeAction(button, title, level.submitFallback);
  const confirmLabel = truncate(singleLine(confirm.confirmLabel ?? 'Yes, continue'), level.titleCap);
  const card: JsonObject = {
    type: 'AdaptiveCard',
    body: [
      textBlock(truncate(singleLine(confirm.title), level.confirmTitleCap), { weight: 'bolder' }),
      textBlock(truncate(confirm.text, level.confirmTextCap)),
    ],
    actions: [executeAction(button, confirmLabel, level.submitFallback)],
  };
  const style = ACTION_STYLE[button.style];
  return { type: 'Action.ShowCard', title, card, ...(style === undefined ? {} : { style }) };
}

/** Buttons in sets of at most six, each its own ActionSet, so Teams never hides one. */
export function actionSets(buttons: readonly Button[], level: ActionLevel): JsonObject[] {
  const sets: JsonObject[] = [];
  for (let start = 0; start < buttons.length; start += TEAMS_MAX_ACTIONS_PER_SET) {
    const chunk = buttons.slice(start, start + TEAMS_MAX_ACTIONS_PER_SET);
    sets.push({ type: 'ActionSet', actions: chunk.map((button) => buttonAction(button, level)) });
  }
  return sets;
}
