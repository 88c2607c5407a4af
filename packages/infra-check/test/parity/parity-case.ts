/** A failing and a compliant configuration for one external check (one main.tf each). */
export interface ParityCase {
  fail: string;
  pass: string;
}
