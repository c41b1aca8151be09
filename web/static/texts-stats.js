/*
 * trygg — the texts of the statistics page, in Swedish (the default) and English.
 * Looked up through i18n.js; texts only, no code.
 */
export default {
  sv: {
    skip: "Hoppa till innehållet", app_title: "Trygg i Borås", report_link: "Rapportera", map_link: "Karta",
    lang_switch: "English", lang_switch_label: "Byt språk till engelska",
    theme_label: "Tema", theme_auto: "Automatiskt", theme_light: "Ljust", theme_dark: "Mörkt",
    stats_title: "Statistik", stats_intro: "Hur många iakttagelser kommer in, var och om vad – och blir det bättre?",
    period: "Period", area: "Område", category: "Kategori", from: "Från", to: "Till", show: "Visa", all: "Alla",
    year: "År", quarter: "Kvartal", month: "Månad", week: "Vecka",
    loading: "Hämtar …", failed: "Statistiken kunde inte hämtas: {msg}",
    per_period: "Iakttagelser per period", per_area: "Per område, {period}", per_category: "Per kategori, {period}",
    now: "Perioden", previous: "Samma period året före", col_period: "Period", col_area: "Område", col_category: "Kategori",
    col_count: "Antal", col_previous: "Året före", show_table: "Visa som tabell", csv: "Ladda ner CSV",
    outside: "Utanför områdena", suppressed: "färre än {n}",
    suppressed_note: "Antal under {n} visas inte, så att ingen som rapporterat kan pekas ut.",
    hotspots: "Brännpunkter (rutor om {m} m)", col_cell: "Ruta", col_trend: "Senaste kvartalen", emerging: "växande",
    no_hotspots: "Inga brännpunkter att visa.", workflow: "Handläggning per enhet", col_unit: "Enhet",
    col_opened: "Inkomna", col_resolved: "Åtgärdade", col_backlog: "Öppna nu", col_median: "Mediantid (dygn)",
    col_p90: "90 % inom (dygn)", col_within: "Inom förfallodag", unrouted: "Ej fördelade", chart_label: "Stapeldiagram: {title}"
  },
  en: {
    skip: "Skip to content", app_title: "Trygg i Borås", report_link: "Report", map_link: "Map",
    lang_switch: "Svenska", lang_switch_label: "Switch language to Swedish",
    theme_label: "Theme", theme_auto: "Automatic", theme_light: "Light", theme_dark: "Dark",
    stats_title: "Statistics", stats_intro: "How many observations come in, where and about what – and is it getting better?",
    period: "Period", area: "Area", category: "Category", from: "From", to: "To", show: "Show", all: "All",
    year: "Year", quarter: "Quarter", month: "Month", week: "Week",
    loading: "Loading …", failed: "The statistics could not be loaded: {msg}",
    per_period: "Observations per period", per_area: "Per area, {period}", per_category: "Per category, {period}",
    now: "The period", previous: "The same period a year earlier", col_period: "Period", col_area: "Area", col_category: "Category",
    col_count: "Count", col_previous: "A year earlier", show_table: "Show as a table", csv: "Download CSV",
    outside: "Outside the areas", suppressed: "fewer than {n}",
    suppressed_note: "Counts below {n} are not shown, so that no reporter can be picked out.",
    hotspots: "Hot spots ({m} m cells)", col_cell: "Cell", col_trend: "Last quarters", emerging: "emerging",
    no_hotspots: "No hot spots to show.", workflow: "Case handling per unit", col_unit: "Unit",
    col_opened: "Received", col_resolved: "Resolved", col_backlog: "Open now", col_median: "Median time (days)",
    col_p90: "90 % within (days)", col_within: "By the due date", unrouted: "Unrouted", chart_label: "Bar chart: {title}"
  }
};
