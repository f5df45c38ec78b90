import type { SourceLocation } from './errors.ts';
import type { WhereExpression } from './where.ts';

/** Arithmetic over numbers as DQDL allows in conditions (`> 10 * 2`, `avg(last(3))`). */
export type NumberExpression =
  | { type: 'literal'; value: number }
  | { type: 'binary'; op: '+' | '-' | '*' | '/'; left: NumberExpression; right: NumberExpression }
  | { type: 'call'; name: string; args: NumberExpression[] };

export type DurationUnit = 'days' | 'hours' | 'minutes';
export type SizeUnit = 'B' | 'KB' | 'MB' | 'GB' | 'TB';

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export type DateExpression =
  | { type: 'date'; value: string } // "2024-01-31"
  | { type: 'now'; offset?: { sign: '+' | '-'; duration: Duration } }
  | { type: 'time'; value: string }; // "9:30 AM" or "21:30"

/** One value on the right-hand side of a condition. */
export type Operand =
  | { kind: 'number'; expression: NumberExpression }
  | { kind: 'string'; value: string }
  | { kind: 'date'; expression: DateExpression }
  | { kind: 'duration'; duration: Duration }
  | { kind: 'size'; amount: number; unit: SizeUnit }
  | { kind: 'keyword'; keyword: 'NULL' | 'EMPTY' | 'WHITESPACES_ONLY' }
  | { kind: 'variable'; name: string };

export type ConditionOperator =
  | '='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'between'
  | 'not between'
  | 'in'
  | 'not in'
  | 'matches'
  | 'not matches';

/**
 * What the operands compare against. Decided from the operands: numbers make a number
 * condition, quoted "YYYY-MM-DD" or now() a date condition, `24 hours` a duration one.
 */
export type ConditionKind = 'number' | 'string' | 'date' | 'duration' | 'size';

export interface Condition {
  kind: ConditionKind;
  operator: ConditionOperator;
  /** 1 operand, 2 for between, n for in. */
  operands: Operand[];
  /** Source text of the condition, for messages. */
  text: string;
  location: SourceLocation;
}

export interface RuleParameter {
  value: string;
  /** A quoted "name" or a bare identifier; both name columns. */
  quoted: boolean;
  /** A `$variable` parameter, resolved by the parser. */
  variable?: string;
  connector?: 'of' | 'and';
  location: SourceLocation;
}

export interface RuleTag {
  name: string; // `threshold` is the only tag Glue defines today
  condition: Condition;
  location: SourceLocation;
}

export interface Rule {
  type: 'rule';
  ruleType: string;
  parameters: RuleParameter[];
  condition?: Condition;
  where?: { text: string; expression: WhereExpression; location: SourceLocation };
  /** The `with threshold ...` tag, pulled out because evaluation needs it. */
  threshold?: Condition;
  tags: RuleTag[];
  labels?: Record<string, string>;
  text: string;
  location: SourceLocation;
}

export interface CompositeRule {
  type: 'and' | 'or';
  rules: TopLevelRule[];
  labels?: Record<string, string>;
  text: string;
  location: SourceLocation;
}

export type TopLevelRule = Rule | CompositeRule;

export interface Analyzer {
  analyzerType: string;
  parameters: RuleParameter[];
  text: string;
  location: SourceLocation;
}

export type VariableValue =
  | { kind: 'string'; value: string }
  | { kind: 'keyword'; keyword: 'NULL' | 'EMPTY' | 'WHITESPACES_ONLY' }
  | { kind: 'array'; values: Operand[] };

export interface Ruleset {
  metadata?: Record<string, string | string[]>;
  dataSources?: Record<string, string | string[]>;
  variables: Record<string, VariableValue>;
  defaultLabels?: Record<string, string>;
  rules: TopLevelRule[];
  analyzers: Analyzer[];
}
