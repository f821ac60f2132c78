/** Problems (will not work: red) and warnings (works less well: amber), in the probe's own words. */

export function Notices({
  problems,
  warnings,
}: {
  problems: readonly string[];
  warnings: readonly string[];
}) {
  if (problems.length === 0 && warnings.length === 0) return null;
  return (
    <div class="notices">
      {problems.length > 0 && <NoticeList tone="bad" heading="Problems" items={problems} />}
      {warnings.length > 0 && <NoticeList tone="warn" heading="Warnings" items={warnings} />}
    </div>
  );
}

function NoticeList({
  tone,
  heading,
  items,
}: {
  tone: 'bad' | 'warn';
  heading: string;
  items: readonly string[];
}) {
  return (
    <section class={`notice notice-${tone}`} aria-label={heading}>
      <h3>{heading}</h3>
      <ul>
        {items.map((text) => (
          <li key={text}>{text}</li>
        ))}
      </ul>
    </section>
  );
}
