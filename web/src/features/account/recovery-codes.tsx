import { Download } from 'lucide-react';
import { downloadBlob } from '../../lib/download.ts';
import { Button } from '../../ui/button.tsx';
import { CopyButton } from '../../ui/copy-button.tsx';
import { Notice } from '../../ui/states.tsx';

/** Recovery codes, shown once: to copy, download or write down. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const text = codes.join('\n');
  const download = () => downloadBlob('tollgate-recovery-codes.txt', new Blob([`Tollgate recovery codes (each works once)\n\n${text}\n`], { type: 'text/plain' }));
  return (
    <div className="flex flex-col gap-3">
      <Notice tone="warn">
        Save these recovery codes somewhere safe now: they are shown only once. Each one signs you in once if you lose your authenticator app.
      </Notice>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-x-6 gap-y-1 rounded-md border border-line bg-subtle p-3 font-mono text-sm">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="flex gap-2">
        <CopyButton text={text} label="Copy codes" size="md" />
        <Button variant="ghost" onClick={download}>
          <Download className="size-4" aria-hidden /> Download
        </Button>
      </div>
    </div>
  );
}
