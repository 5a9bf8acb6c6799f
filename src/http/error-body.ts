import { STATUS_CODES } from 'node:http';

/** The one shape every HTTP error has. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Only when DEBUG is on, and only for 5xx. */
  stack?: string;
}

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
