import { z } from 'zod';

const comparisonSchema = z
  .string()
  .regex(/^\s*(<=|>=|<|>)\s*(-?\d[\d_,]*(\.\d+)?)\s*$/, "a target looks like '< 10' or '>= 20,000'");

export interface Comparison {
  operator: '<' | '<=' | '>' | '>=';
  bound: number;
}

export function parseTarget(target: string): Comparison {
  const match = /^\s*(<=|>=|<|>)\s*(.+?)\s*$/.exec(comparisonSchema.parse(target));
  const operator = match?.[1] as Comparison['operator'];
  return { operator, bound: Number((match?.[2] ?? '').replace(/[_,]/g, '')) };
}

/** Whether a measured value meets a target such as '< 10'. */
export function meetsTarget(value: number, target: string): boolean {
  const { operator, bound } = parseTarget(target);
  switch (operator) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
  }
}
