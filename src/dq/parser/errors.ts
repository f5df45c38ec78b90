/** A problem in a DQDL document, pointing at the place a person would fix it (1-based). */
export interface DqdlError {
  line: number;
  column: number;
  message: string;
}

/** Where a token or node starts in the source text. Offsets let messages quote the source. */
export interface SourceLocation {
  line: number;
  column: number;
  offset: number;
}

/**
 * Thrown inside the parser and caught at its boundary: parsing stops at the first syntax
 * error because every later message would be noise caused by the first one.
 */
export class DqdlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(location: SourceLocation, message: string) {
    super(message);
    this.name = 'DqdlSyntaxError';
    this.line = location.line;
    this.column = location.column;
  }
  toDqdlError(): DqdlError {
    return { line: this.line, column: this.column, message: this.message };
  }
}
