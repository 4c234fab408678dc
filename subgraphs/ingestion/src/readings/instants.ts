// A sensor's instants within one batch, for the check's twins (check.ts).
/**
 * One sensor's valid instants in a batch, each with the message it came in. A sensor's readings
 * mostly come in time order, and a reading after the latest repeats none: only once one comes out
 * of order are they kept by instant (a Map per sensor for every batch cost more than the rest of
 * the check).
 */
export class Instants {
  private latest = -Infinity;
  private latestMessage = 0;
  private readonly times: number[] = [];
  private readonly messages: number[] = [];
  private byInstant?: Map<number, number>;

  /** The message of the earlier valid reading at `at`, if there is one. */
  messageAt(at: number): number | undefined {
    if (at > this.latest) return undefined;
    if (at === this.latest) return this.latestMessage;
    this.byInstant ??= new Map(this.times.map((time, i) => [time, this.messages[i]!]));
    return this.byInstant.get(at);
  }

  add(at: number, message: number): void {
    if (at > this.latest) {
      this.latest = at;
      this.latestMessage = message;
    }
    if (this.byInstant) this.byInstant.set(at, message);
    else {
      this.times.push(at);
      this.messages.push(message);
    }
  }
}
