import { isValidIBAN } from 'ibantools';
import { scanRegex, type Detector, type Finding } from './finding.ts';

// Country, check digits, then the BBAN either unbroken or in groups of four (the printed form).
const CANDIDATE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)(?![A-Za-z0-9])/g;

/** IBANs: country format and length, and the mod-97 check, by ibantools. */
export const ibanDetector: Detector = {
  id: 'iban',
  needsDigit: true,
  scan(text: string, out: Finding[]) {
    scanRegex(
      CANDIDATE,
      text,
      (m) => {
        // The printed form may have swallowed a following word in capitals: drop groups from the end until valid.
        let raw = m[0];
        for (;;) {
          if (isValidIBAN(raw.replace(/ /g, ''))) return { detector: 'iban', kind: raw.slice(0, 2), start: m.index, end: m.index + raw.length };
          const cut = raw.lastIndexOf(' ');
          if (cut < 0) return undefined;
          raw = raw.slice(0, cut);
        }
      },
      out,
    );
  },
};
