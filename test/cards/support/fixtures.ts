import type { CardModelInput } from '../../../cards/model.js';

/** A typical plan card: what `bind` would change, per user, with Approve / Cancel. */
export function planCard(rowCount = 3): CardModelInput {
  return {
    title: 'Bind 3 users',
    subtitle: 'Requested by Ada Lovelace · expires in 24 h',
    tone: 'warning',
    status: 'Pending approval',
    facts: [
      { label: 'Licence', value: 'ENTERPRISEPACK' },
      { label: 'Welcome mail', value: 'yes' },
    ],
    tables: [
      {
        caption: 'Changes per user',
        columns: ['User', 'Department', 'Change', 'State', 'Note'],
        rows: Array.from({ length: rowCount }, (_, index) => [
          `user${index}@contoso.example`,
          'Research & Development',
          'create + licence',
          'will bind',
          'first login resets password',
        ]),
      },
    ],
    notes: [{ text: 'Nothing changes before approval.', tone: 'info' }],
    buttons: [
      { id: 'approve', label: 'Approve', style: 'primary', data: { requestId: 'r_0123456789abcdef' } },
      { id: 'cancel', label: 'Cancel', style: 'danger', data: { requestId: 'r_0123456789abcdef' } },
    ],
  };
}

/** A daily digest: counts, a chart, expiring passwords. */
export function digestCard(): CardModelInput {
  return {
    title: 'Daily digest — Contoso',
    tone: 'info',
    facts: [
      { label: 'Pending approvals', value: '2' },
      { label: 'Failures (24 h)', value: '1' },
    ],
    chart: {
      kind: 'bar',
      title: 'Accounts',
      series: [
        { label: 'Bound', value: 120, tone: 'success' },
        { label: 'Blocked', value: 7, tone: 'warning' },
        { label: 'Suspended', value: 2, tone: 'danger' },
      ],
    },
  };
}

/**
 * The largest card the model allows in every part that both renderers must keep: 30 danger buttons with
 * 100 characters of data and long confirmations, the longest texts, 60 long Teams MRIs, a paged list.
 */
export function worstCaseCard(): CardModelInput {
  const long = (length: number): string => 'Ŵ'.repeat(length);
  return {
    title: long(2000),
    subtitle: long(5000),
    status: long(500),
    tone: 'danger',
    progress: { done: 5, total: 9, failed: 5, label: long(1000) },
    facts: Array.from({ length: 100 }, () => ({ label: long(1000), value: long(10_000) })),
    tables: Array.from({ length: 5 }, () => ({
      caption: long(1000),
      columns: Array.from({ length: 10 }, () => long(1000)),
      rows: Array.from({ length: 500 }, () => Array.from({ length: 10 }, () => long(300))),
    })),
    notes: Array.from({ length: 100 }, () => ({ text: long(10_000), tone: 'warning' as const })),
    chart: {
      title: long(1000),
      series: Array.from({ length: 20 }, (_, i) => ({ label: long(200), value: i })),
    },
    buttons: Array.from({ length: 30 }, (_, index) => ({
      id: `verb-${'x'.repeat(26)}`,
      label: long(500),
      style: 'danger' as const,
      confirm: { title: long(500), text: long(2000), confirmLabel: long(100), denyLabel: long(100) },
      data: { requestId: 'r'.repeat(48), p: String(index).padStart(27, '0') },
    })),
    pagination: { page: 2, pageCount: 3, data: { requestId: 'r'.repeat(48), s: 'x'.repeat(7) } },
    csv: { filename: `${'f'.repeat(96)}.csv`, rowCount: 100_000, reference: 'c'.repeat(48) },
    visibleTo: {
      teamsUserIds: Array.from({ length: 60 }, (_, index) => `29:${String(index).padStart(124, 'u')}`),
      slackUserIds: ['U012ABCDEF'],
      data: { requestId: 'r'.repeat(48), s: 'x'.repeat(27) },
    },
  };
}
