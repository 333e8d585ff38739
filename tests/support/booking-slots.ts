/** a weekday at least `days` ahead, [start, end) local hours in Shanghai */
export function slot(days: number, start: number, end: number): { from: string; to: string } {
  const day = new Date(Date.now() + days * 86_400_000);
  while ([0, 6].includes(new Date(day.getTime() + 8 * 3_600_000).getUTCDay())) day.setTime(day.getTime() + 86_400_000);
  const local = new Date(day.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
  const at = (hour: number) => new Date(Date.parse(`${local}T00:00:00+08:00`) + hour * 3_600_000).toISOString();
  return { from: at(start), to: at(end) };
}
