import { z } from 'zod';

/**
 * The platform-neutral card: plain data that commands build and that two pure renderers turn into an
 * Adaptive Card (Teams, render-adaptive.ts) or Block Kit (Slack, render-blockkit.ts). It holds no markup:
 * every text is plain text, and the renderers escape and truncate it for their platform.
 *
 * Buttons carry an opaque action verb and a tiny record of opaque ids (chat-platforms.md §4: "buttons carry an
 * opaque request id; parameters stay server-side"); the data limits below are tight on purpose, so that the
 * worst case of 30 buttons still fits Teams' 40 KB message and Slack's ~13 000-character message budget.
 */

export const toneSchema = z.enum(['info', 'success', 'warning', 'danger']);
export type Tone = z.infer<typeof toneSchema>;

/** Most buttons a card may carry (besides the renderer's own Previous / Next / CSV buttons). */
export const MAX_BUTTONS = 30;
/** Most entries in a button's data record, the renderers' own paging key included. */
export const MAX_DATA_ENTRIES = 4;
/**
 * Most characters of a button's data as JSON (`{"requestId":"<uuid>","page":"12"}` is 63). With 30 buttons
 * this keeps the data alone under 3 300 characters, which both platforms' message budgets can carry.
 */
export const MAX_DATA_JSON = 100;
/** Pagination data leaves room for the `"page":"…"` entry the renderers add. */
const MAX_PAGINATION_DATA_JSON = MAX_DATA_JSON - 20;

/** An action verb: what the button does, e.g. 'approve', 'cancel', 'retry-failed', 'page-next'. */
export const verbSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'a verb is 1–32 characters: lower-case letters, digits and "-"');

/**
 * Opaque ids only: no spaces, no '@', so an e-mail or free text cannot ride on a button by accident.
 * 'verb' is reserved: the Teams Action.Submit fallback puts the verb beside the data.
 */
export const dataValueSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:~+/=-]{0,48}$/, 'a data value is an opaque id of at most 48 characters');
export const buttonDataSchema = z
  .record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'a data key is 1–16 letters, digits or "_"'),
    dataValueSchema,
  )
  .refine((data) => Object.keys(data).length <= MAX_DATA_ENTRIES, {
    message: `button data holds at most ${MAX_DATA_ENTRIES} entries`,
  })
  .refine((data) => !('verb' in data), { message: '"verb" is reserved in button data' })
  .refine((data) => JSON.stringify(data).length <= MAX_DATA_JSON, {
    message: `button data is at most ${MAX_DATA_JSON} characters as JSON`,
  });
export type ButtonData = z.infer<typeof buttonDataSchema>;

export const confirmSchema = z.object({
  title: z.string().min(1).max(500),
  text: z.string().min(1).max(2000),
  confirmLabel: z.string().min(1).max(100).optional(),
  denyLabel: z.string().min(1).max(100).optional(),
});
export type Confirm = z.infer<typeof confirmSchema>;

export const buttonSchema = z.object({
  id: verbSchema,
  label: z.string().min(1).max(500),
  style: z.enum(['primary', 'danger', 'default']).default('default'),
  confirm: confirmSchema.optional(),
  data: buttonDataSchema.default({}),
});
export type Button = z.infer<typeof buttonSchema>;

export const factSchema = z.object({ label: z.string().max(1000), value: z.string().max(10_000) });
export type Fact = z.infer<typeof factSchema>;

export const tableSchema = z
  .object({
    caption: z.string().max(1000).optional(),
    columns: z.array(z.string().max(1000)).min(1).max(10),
    rows: z.array(z.array(z.string().max(10_000))).max(100_000),
  })
  .refine((table) => table.rows.every((row) => row.length === table.columns.length), {
    message: 'every table row has one cell per column',
  });
export type Table = z.infer<typeof tableSchema>;

/** `done` counts every processed item, failed ones included; `failed` ⊆ `done` ⊆ `total`. */
export const progressSchema = z
  .object({
    done: z.number().int().min(0),
    total: z.number().int().min(0),
    failed: z.number().int().min(0).default(0),
    label: z.string().max(1000).optional(),
  })
  .refine((p) => p.done <= p.total && p.failed <= p.done, {
    message: 'progress needs failed ≤ done ≤ total',
  });
export type Progress = z.infer<typeof progressSchema>;

export const noteSchema = z.object({ text: z.string().max(10_000), tone: toneSchema.optional() });
export type Note = z.infer<typeof noteSchema>;

/**
 * Where the card is one page of a longer list (paginate.ts). The renderers add Previous / Next buttons with
 * verbs 'page-prev' / 'page-next' whose data is `data` plus `page` (the page to show, 1-based, as text).
 */
export const paginationSchema = z
  .object({
    page: z.number().int().min(1),
    pageCount: z.number().int().min(1),
    data: buttonDataSchema.default({}),
  })
  .refine((p) => p.page <= p.pageCount, { message: 'page ≤ pageCount' })
  .refine(
    (p) =>
      Object.keys(p.data).length < MAX_DATA_ENTRIES &&
      !('page' in p.data) &&
      JSON.stringify(p.data).length <= MAX_PAGINATION_DATA_JSON,
    {
      message: `pagination data leaves room for "page" (≤ ${MAX_DATA_ENTRIES - 1} entries, ≤ 80 characters)`,
    },
  );
export type Pagination = z.infer<typeof paginationSchema>;

/**
 * The full list offered as a CSV file: either the content itself (the adapter uploads it beside the card) or
 * an opaque reference that a 'download-csv' button hands back to the bot.
 */
export const csvOfferSchema = z
  .object({
    filename: z.string().regex(/^[A-Za-z0-9._-]{1,100}\.csv$/, 'a plain file name ending in .csv'),
    rowCount: z.number().int().min(0),
    content: z.string().optional(),
    reference: dataValueSchema.min(1).optional(),
  })
  .refine((csv) => (csv.content === undefined) !== (csv.reference === undefined), {
    message: 'a CSV offer has either content or a reference',
  });
export type CsvOffer = z.infer<typeof csvOfferSchema>;

/**
 * Who may see this card view: Teams user MRIs (`29:…`, refresh.userIds, at most 60 — chat-platforms.md §2.4)
 * and Slack user ids (ephemeral messages). `data` rides on the Teams refresh action.
 */
export const visibleToSchema = z.object({
  teamsUserIds: z
    .array(
      z.string().regex(/^\d{1,3}:\S{1,124}$/, 'a Teams user MRI such as 29:1abc…, at most 128 characters'),
    )
    .max(60)
    .default([]),
  slackUserIds: z
    .array(z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'a Slack user id'))
    .max(60)
    .default([]),
  data: buttonDataSchema.default({}),
});
export type VisibleTo = z.infer<typeof visibleToSchema>;

/** A digest chart: labelled non-negative values, drawn as a chart in Teams and as text bars elsewhere. */
export const chartSchema = z.object({
  kind: z.enum(['bar', 'donut']).default('bar'),
  title: z.string().max(1000),
  series: z
    .array(
      z.object({
        label: z.string().max(200),
        value: z.number().min(0),
        tone: toneSchema.optional(),
      }),
    )
    .min(1)
    .max(20),
});
export type Chart = z.infer<typeof chartSchema>;

export const cardModelSchema = z.object({
  title: z.string().max(2000).regex(/\S/, 'a title says something'),
  subtitle: z.string().max(5000).optional(),
  tone: toneSchema.default('info'),
  /** A short state word or phrase, e.g. "Pending approval", "Expired", "Done". */
  status: z.string().max(500).optional(),
  facts: z.array(factSchema).max(100).default([]),
  tables: z.array(tableSchema).max(5).default([]),
  progress: progressSchema.optional(),
  notes: z.array(noteSchema).max(100).default([]),
  chart: chartSchema.optional(),
  buttons: z.array(buttonSchema).max(MAX_BUTTONS).default([]),
  pagination: paginationSchema.optional(),
  csv: csvOfferSchema.optional(),
  visibleTo: visibleToSchema.optional(),
});

/** A validated card (defaults filled in). */
export type CardModel = z.infer<typeof cardModelSchema>;
/** What a caller writes: defaults may be left out. */
export type CardModelInput = z.input<typeof cardModelSchema>;

/** Validates and fills in defaults; throws a ZodError naming the bad field. */
export function parseCardModel(input: CardModelInput): CardModel {
  return cardModelSchema.parse(input);
}

/** The verbs the renderers add themselves, which a model's own buttons may also use. */
export const PAGE_PREV_VERB = 'page-prev';
export const PAGE_NEXT_VERB = 'page-next';
export const DOWNLOAD_CSV_VERB = 'download-csv';
export const REFRESH_VERB = 'refresh';
