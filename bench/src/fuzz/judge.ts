/** What a response must never show a caller: stack frames, paths, addresses, driver and SQL errors. */
export const LEAK =
  /stacktrace|node_modules|\/work\/|\/home\/|\.[jt]s:\d+:\d+|\bat (?:async )?[\w$.<>]+ \(|ECONNREFUSED|127\.0\.0\.1|relation "|violates \w+ (?:key )?constraint|duplicate key value|syntax error at or near|invalid input syntax for|out of range for type/i;

export interface Finding {
  /** The case's number in the seeded run: `--seed S --from N --count 1` replays it. */
  index: number;
  kind: string;
  problem: string;
  request: string;
  response: string;
}

const clip = (text: string, max = 400) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

/** Problems with one HTTP answer: a 5xx, an internal error, a leak. */
export function judgeHttp(status: number, text: string): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`HTTP ${status}`);
  if (/"code":"INTERNAL_SERVER_ERROR"/.test(text)) problems.push('INTERNAL_SERVER_ERROR');
  const leak = LEAK.exec(text);
  if (leak) problems.push(`leak: ${leak[0]}`);
  return problems;
}

export function finding(index: number, kind: string, problem: string, request: string, response: string): Finding {
  return { index, kind, problem, request: clip(request), response: clip(response) };
}
