export {
  formatPricePerMillion,
  formatUsd,
  MoneyFormatError,
  parsePricePerMillion,
  parseUsd,
  picosFor,
  picosToNanos,
  type Nanos,
  type PicosPerToken,
} from './money.ts';
