// Money stays a decimal string from the API to the screen: grouping is done on the digits, never through a float.
import { t } from "./i18n.js";

export function groupDigits(decimal) {
  if (decimal === null || decimal === undefined || decimal === "") return "";
  const text = String(decimal);
  const negative = text.startsWith("-");
  const [whole, fraction] = (negative ? text.slice(1) : text).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + grouped + (fraction ? "." + fraction : "");
}

export function wan(decimal) {
  if (decimal === null || decimal === undefined || decimal === "") return "—";
  return `${groupDigits(decimal)} ${t("unit.wan")}`;
}

// 1 万元 = 1,000,000 分: integer fen to an exact decimal string of 万元.
export function fenToWan(fen) {
  if (fen === null || fen === undefined) return null;
  let digits = BigInt(fen);
  const negative = digits < 0n;
  if (negative) digits = -digits;
  const whole = digits / 1000000n;
  const fraction = (digits % 1000000n).toString().padStart(6, "0").replace(/0+$/, "");
  return (negative ? "-" : "") + whole.toString() + (fraction ? "." + fraction : "");
}

export function percent(share, digits = 2) {
  if (share === null || share === undefined) return "—";
  return `${(Number(share) * 100).toFixed(digits)}%`;
}

// A cell a spreadsheet would take for a formula (=, +, -, @, tab, CR first) is written as text with a leading ';
// a plain decimal number (-3, +1, -0.5) stays a number. The same rule as fundgraph/graph/spreadsheet.py.
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

export function spreadsheetSafe(text) {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? "'" + text : text;
}

export function csv(columns, rows) {
  const quote = (value) => {
    if (value === null || value === undefined) return "";
    const text = spreadsheetSafe(typeof value === "object" ? JSON.stringify(value) : String(value));
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  // The byte-order mark lets spreadsheet programs read the Chinese as UTF-8.
  return "\ufeff" + [columns.map(quote).join(","), ...rows.map((r) => columns.map((c) => quote(r[c])).join(","))].join("\r\n") + "\r\n";
}
