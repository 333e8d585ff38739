/**
 * A spreadsheet's records as its rows are read. A harvest's page is served as soon as its rows are
 * in, so the hub writes the first pages while the rest of the file is still being read: an XLSX of
 * 100,000 rows takes 4–5 s to read, which the database otherwise spent waiting.
 */
import type { SourcePage, SourceRecord, UnreadableRecord } from '../sdk/contract.ts';

/** how many records are read between wake-ups of the pages waiting for them */
const RECORDS_PER_WAKE = 250;

export class SheetReading {
  readonly records: SourceRecord[] = [];
  readonly byLocalId = new Map<string, SourceRecord>();
  /** each with the number of records read before it: the page of those records reports it */
  private readonly unreadable: Array<{ before: number; problem: UnreadableRecord }> = [];
  private done = false;
  private failure: unknown = null;
  private wake: () => void = () => {};
  private progress: Promise<void> = this.nextProgress();

  constructor(readonly key: string, readonly modifiedAt: Date) {}

  private nextProgress(): Promise<void> {
    return new Promise<void>((resolve) => { this.wake = resolve; });
  }

  private tick(): void {
    const wake = this.wake;
    this.progress = this.nextProgress();
    wake();
  }

  add(record: SourceRecord, localId: string): void {
    if (localId) this.byLocalId.set(localId, record);
    this.records.push(record);
    if (this.records.length % RECORDS_PER_WAKE === 0) this.tick();
  }

  reject(problem: UnreadableRecord): void {
    this.unreadable.push({ before: this.records.length, problem });
  }

  finish(): void {
    this.done = true;
    this.tick();
  }

  fail(error: unknown): void {
    this.failure = error;
    this.done = true;
    this.tick();
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  /** resolves once `count` records are read or the file is read through; rejects with what stopped the reading */
  async reached(count: number): Promise<void> {
    while (!this.done && this.records.length < count) await this.progress;
    if (this.failure !== null) throw this.failure;
  }

  /** records from `start`, up to `limit` of them, with the rows among them that could not be read */
  async page(start: number, limit: number): Promise<SourcePage> {
    await this.reached(start + limit);
    const end = Math.min(start + limit, this.records.length);
    const last = this.done && end === this.records.length;
    return {
      records: this.records.slice(start, end),
      unreadable: this.unreadable.filter((u) => u.before >= start && (u.before < end || last)).map((u) => u.problem),
      nextCursor: last ? null : String(end),
      totalEstimate: this.done ? this.records.length : undefined,
    };
  }
}
