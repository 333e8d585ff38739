/**
 * What each notification says, in the user's language (中文 or English). Times are shown in
 * Asia/Shanghai, where the instruments are.
 */
export type Language = 'zh' | 'en';
export const LANGUAGES: readonly Language[] = ['zh', 'en'];

export type NotificationKind = 'BOOKING_APPROVED' | 'BOOKING_REJECTED' | 'REMINDER' | 'CANCELLED' | 'OUTAGE_CANCELLED' | 'WAIT_LIST_OFFER' | 'NO_SHOW';

export interface NotificationFacts {
  instrumentName: string;
  instrumentId: string;
  from: Date;
  to: Date;
  bookingId?: string;
  /** the owner's reason, a cancellation's note, the outage's cause */
  note?: string | null;
  /** until when a wait-list offer holds */
  offeredUntil?: Date;
}

function when(language: Language, at: Date): string {
  return new Intl.DateTimeFormat(language === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

function slot(language: Language, f: NotificationFacts): string {
  return language === 'zh'
    ? `${f.instrumentName}（${f.instrumentId}），${when('zh', f.from)} 至 ${when('zh', f.to)}（北京时间）`
    : `${f.instrumentName} (${f.instrumentId}), ${when('en', f.from)} to ${when('en', f.to)} (China Standard Time)`;
}

const noteLine = (language: Language, note: string | null | undefined) => (note ? (language === 'zh' ? `\n说明：${note}` : `\nNote: ${note}`) : '');
const bookingLine = (language: Language, id: string | undefined) => (id ? (language === 'zh' ? `\n预约编号：${id}` : `\nBooking: ${id}`) : '');

export function renderNotification(kind: NotificationKind, language: Language, f: NotificationFacts): { subject: string; body: string } {
  const s = slot(language, f);
  const zh = language === 'zh';
  const tail = `${noteLine(language, f.note)}${bookingLine(language, f.bookingId)}`;
  switch (kind) {
    case 'BOOKING_APPROVED':
      return zh ? { subject: `预约已批准：${f.instrumentName}`, body: `您的预约已批准：${s}。${tail}` } : { subject: `Booking approved: ${f.instrumentName}`, body: `Your booking is approved: ${s}.${tail}` };
    case 'BOOKING_REJECTED':
      return zh ? { subject: `预约未获批准：${f.instrumentName}`, body: `您的预约未获批准：${s}。${tail}` } : { subject: `Booking rejected: ${f.instrumentName}`, body: `Your booking was rejected: ${s}.${tail}` };
    case 'REMINDER':
      return zh ? { subject: `预约提醒：${f.instrumentName}`, body: `提醒：您预约的 ${s} 即将开始。请按时到场，未按时开始的预约将被释放。${tail}` }
        : { subject: `Reminder: ${f.instrumentName}`, body: `Reminder: your booking of ${s} starts soon. Please be on time; a booking not started in time is released.${tail}` };
    case 'CANCELLED':
      return zh ? { subject: `预约已取消：${f.instrumentName}`, body: `预约已取消：${s}。${tail}` } : { subject: `Booking cancelled: ${f.instrumentName}`, body: `The booking was cancelled: ${s}.${tail}` };
    case 'OUTAGE_CANCELLED':
      return zh ? { subject: `仪器停机，预约已取消：${f.instrumentName}`, body: `因计划停机（维护/校准），您的预约已取消，不收取费用：${s}。${tail}` }
        : { subject: `Instrument outage, booking cancelled: ${f.instrumentName}`, body: `Because of a planned outage (maintenance, calibration) your booking is cancelled, without a fee: ${s}.${tail}` };
    case 'WAIT_LIST_OFFER': {
      const until = f.offeredUntil ? when(language, f.offeredUntil) : '';
      return zh ? { subject: `候补时段可预约：${f.instrumentName}`, body: `您候补的时段已空出：${s}。请在 ${until}（北京时间）前预约，逾期将提供给下一位候补者。${tail}` }
        : { subject: `Wait list: a slot is free on ${f.instrumentName}`, body: `The slot you are waiting for is free: ${s}. Book it before ${until} (China Standard Time); after that it is offered to the next in line.${tail}` };
    }
    case 'NO_SHOW':
      return zh ? { subject: `未到场（爽约）：${f.instrumentName}`, body: `您的预约未在规定时间内开始，已记为爽约并释放时段：${s}。多次爽约后，预约可能需要审批。${tail}` }
        : { subject: `No-show: ${f.instrumentName}`, body: `Your booking was not started in time; it is recorded as a no-show and its slot released: ${s}. After repeated no-shows, bookings may need approval.${tail}` };
  }
}
