/** Tables of the prices part of metering (see migrations). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface PriceTables {}
