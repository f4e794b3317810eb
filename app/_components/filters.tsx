/**
 * GET filter forms for lists (issue 16 item 11): the audit trail, the expiring certificates
 * and the review queue each wrote the same label + select blocks. A filter form keeps its
 * values in the URL, so page links and bookmarks carry them.
 */
import type { ReactNode } from "react";
import styles from "./filters.module.css";

export function FilterForm({ label, action, className, children }: { label: string; action?: string; className?: string; children: ReactNode }) {
  return (
    <form method="get" action={action} className={[styles.filters, className].filter(Boolean).join(" ")} aria-label={label}>
      {children}
    </form>
  );
}

export type FilterOption = { value: string; label: string };

/** A labelled select whose first option ("All") means no filter. */
export function SelectFilter({
  id,
  name,
  label,
  value,
  options,
  anyLabel = "All",
}: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  options: readonly (FilterOption | string)[];
  anyLabel?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={value ?? ""}>
        <option value="">{anyLabel}</option>
        {options.map((o) => {
          const option = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/** A labelled text (or date) input. */
export function TextFilter({
  id,
  name,
  label,
  value,
  type = "text",
  placeholder,
}: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  type?: "text" | "date";
  placeholder?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type={type} placeholder={placeholder} defaultValue={value ?? ""} />
    </div>
  );
}
