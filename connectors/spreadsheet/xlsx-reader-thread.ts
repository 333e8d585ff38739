/** The thread `xlsxRows` reads a sheet on: its rows go back a batch at a time, as they are read. */
import { parentPort, workerData } from 'node:worker_threads';
import { readSheetRows, type NumberedRow, type SheetRowsMessage, type SheetRowsRequest } from './xlsx.ts';

/** rows per message: few enough messages that posting costs little, soon enough that the reader starts early */
const ROWS_PER_BATCH = 500;

const { file, sheetName } = workerData as SheetRowsRequest;
const send = (message: SheetRowsMessage) => parentPort!.postMessage(message);
try {
  let batch: NumberedRow[] = [];
  for await (const row of readSheetRows(file, sheetName)) {
    batch.push(row);
    if (batch.length === ROWS_PER_BATCH) {
      send({ rows: batch });
      batch = [];
    }
  }
  send({ rows: batch });
  send({ end: true });
} catch (error) {
  send({ error: error instanceof Error ? error.message : String(error) });
}
