/* trygg — texts in Swedish (default) and English. Exposes window.trygg.i18n. */
(function () {
  "use strict";
  var texts = {
    sv: {
      app_title: "Trygg i Borås",
      skip: "Hoppa till innehållet",
      lang_switch: "English",
      lang_switch_label: "Byt språk till engelska",
      emergency: "Akut fara eller pågående brott? Ring 112. Det här formuläret läses bara på kontorstid.",
      walk_joined: "Du deltar i trygghetsvandringen:",
      step_category: "Vad vill du rapportera?",
      good_places: "Bra platser",
      problems: "Problem",
      step_place: "Var är det?",
      gps_waiting: "Söker din position …",
      gps_accuracy: "Din position, ungefär ±{m} m. Dra nålen eller tryck på kartan om den inte stämmer.",
      gps_denied: "Positionen är avstängd. Tryck på kartan där det är, eller använd knappen nedan.",
      gps_unavailable: "Ingen position från telefonen. Tryck på kartan där det är.",
      use_my_position: "Använd min position",
      pin_at_centre: "Sätt nålen mitt på kartan",
      pin_position: "Nålen står på {lat}, {lon}.",
      map_label: "Karta där du placerar nålen",
      nearby_title: "Är det någon av dessa?",
      nearby_intro: "Andra har redan rapporterat något liknande här. Du kan instämma i stället för att rapportera igen.",
      me_too: "Jag instämmer",
      me_too_done: "Tack, du har instämt ({n} totalt).",
      metres_away: "{m} m bort",
      step_details: "Berätta mer (frivilligt)",
      photo: "Foto",
      photo_hint: "Ta en bild eller välj en. Den förminskas innan den skickas.",
      photo_selected: "{n} foto valt",
      description: "Beskrivning",
      description_hint: "Högst {n} tecken.",
      rating_legend: "Hur otryggt känns det?",
      rating_1: "1 – inte alls",
      rating_2: "2",
      rating_3: "3",
      rating_4: "4",
      rating_5: "5 – mycket",
      contact_summary: "Vill du bli kontaktad? (frivilligt)",
      contact_note: "Dina kontaktuppgifter visas aldrig offentligt.",
      name: "Namn",
      email: "E-post",
      phone: "Telefon",
      submit: "Skicka rapport",
      change_category: "Byt kategori",
      choose_place_first: "Välj först var det är: tryck på kartan eller använd din position.",
      sent_title: "Tack!",
      sent_number: "Din rapport har nummer {id}.",
      queued_title: "Sparad på telefonen",
      queued_text: "Du har ingen uppkoppling just nu. Rapporten skickas automatiskt när nätet är tillbaka.",
      another: "Rapportera något mer",
      my_reports: "Mina rapporter",
      my_reports_empty: "Du har inte rapporterat något från den här telefonen än.",
      waiting: "Väntar på nätverk",
      sending: "Skickas …",
      failed: "Kunde inte skickas",
      number: "nr {id}",
      status_new: "Ny",
      status_acknowledged: "Mottagen",
      status_assigned: "Tilldelad",
      status_in_progress: "Åtgärdas",
      status_resolved: "Åtgärdad",
      status_rejected: "Avslutad utan åtgärd",
      status_duplicate: "Dubblett",
      offline_banner: "Ingen uppkoppling – rapporter sparas på telefonen och skickas senare.",
      map_link: "Karta över rapporter",
      report_link: "Rapportera",
      map_title: "Rapporter på kartan",
      filters: "Filter",
      filter_category: "Kategori",
      filter_status: "Status",
      filter_area: "Område",
      filter_period: "Period",
      all: "Alla",
      period_all: "Alla år",
      period_30d: "Senaste 30 dagarna",
      period_year: "I år",
      period_last_year: "Förra året",
      heatmap: "Visa som värmekarta",
      in_view: "I kartvyn: {n} rapporter.",
      in_view_none: "Inga rapporter i kartvyn med de här filtren.",
      cluster_label: "{n} rapporter här. Zooma in.",
      single_label: "Rapport: {cat}",
      loading: "Laddar …",
      observed: "Sedd",
      comments: "Svar från kommunen",
      close: "Stäng",
      details: "Rapport nr {id}",
      photo_alt: "Foto till rapporten",
      light_dark: "mörkt", light_twilight: "skymning", light_day: "dagsljus",
      supports: "{n} har instämt",
      error_generic: "Något gick fel: {msg}"
    },
    en: {
      app_title: "Safe in Borås",
      skip: "Skip to content",
      lang_switch: "Svenska",
      lang_switch_label: "Switch language to Swedish",
      emergency: "Acute danger or a crime in progress? Call 112. This form is only read during office hours.",
      walk_joined: "You are taking part in the safety walk:",
      step_category: "What do you want to report?",
      good_places: "Good places",
      problems: "Problems",
      step_place: "Where is it?",
      gps_waiting: "Finding your position …",
      gps_accuracy: "Your position, about ±{m} m. Drag the pin or tap the map if it is wrong.",
      gps_denied: "Location is turned off. Tap the map where it is, or use the button below.",
      gps_unavailable: "No position from the phone. Tap the map where it is.",
      use_my_position: "Use my position",
      pin_at_centre: "Put the pin in the middle of the map",
      pin_position: "The pin is at {lat}, {lon}.",
      map_label: "Map where you place the pin",
      nearby_title: "Is it one of these?",
      nearby_intro: "Others have already reported something similar here. You can add your voice instead of reporting it again.",
      me_too: "Me too",
      me_too_done: "Thank you, your voice is added ({n} in all).",
      metres_away: "{m} m away",
      step_details: "Tell us more (optional)",
      photo: "Photo",
      photo_hint: "Take a picture or choose one. It is made smaller before it is sent.",
      photo_selected: "{n} photo chosen",
      description: "Description",
      description_hint: "At most {n} characters.",
      rating_legend: "How unsafe does it feel?",
      rating_1: "1 – not at all",
      rating_2: "2",
      rating_3: "3",
      rating_4: "4",
      rating_5: "5 – very",
      contact_summary: "Would you like to be contacted? (optional)",
      contact_note: "Your contact details are never shown publicly.",
      name: "Name",
      email: "E-mail",
      phone: "Phone",
      submit: "Send report",
      change_category: "Change category",
      choose_place_first: "First choose where it is: tap the map or use your position.",
      sent_title: "Thank you!",
      sent_number: "Your report has number {id}.",
      queued_title: "Saved on your phone",
      queued_text: "You have no connection right now. The report is sent automatically when the network is back.",
      another: "Report something else",
      my_reports: "My reports",
      my_reports_empty: "You have not reported anything from this phone yet.",
      waiting: "Waiting for network",
      sending: "Sending …",
      failed: "Could not be sent",
      number: "no. {id}",
      status_new: "New",
      status_acknowledged: "Received",
      status_assigned: "Assigned",
      status_in_progress: "Being fixed",
      status_resolved: "Fixed",
      status_rejected: "Closed without action",
      status_duplicate: "Duplicate",
      offline_banner: "No connection – reports are saved on the phone and sent later.",
      map_link: "Map of reports",
      report_link: "Report",
      map_title: "Reports on the map",
      filters: "Filters",
      filter_category: "Category",
      filter_status: "Status",
      filter_area: "Area",
      filter_period: "Period",
      all: "All",
      period_all: "All years",
      period_30d: "Last 30 days",
      period_year: "This year",
      period_last_year: "Last year",
      heatmap: "Show as heat map",
      in_view: "In the map view: {n} reports.",
      in_view_none: "No reports in the map view with these filters.",
      cluster_label: "{n} reports here. Zoom in.",
      single_label: "Report: {cat}",
      loading: "Loading …",
      observed: "Seen",
      comments: "Answers from the municipality",
      close: "Close",
      details: "Report no. {id}",
      photo_alt: "Photo of the report",
      light_dark: "dark", light_twilight: "twilight", light_day: "daylight",
      supports: "{n} added their voice",
      error_generic: "Something went wrong: {msg}"
    }
  };

  function pickLanguage() {
    var saved = null;
    try { saved = localStorage.getItem("trygg.lang"); } catch (e) { /* private mode */ }
    if (saved === "sv" || saved === "en") return saved;
    var langs = navigator.languages || [navigator.language || "sv"];
    for (var i = 0; i < langs.length; i++) {
      var l = String(langs[i]).slice(0, 2).toLowerCase();
      if (l === "sv" || l === "nb" || l === "nn" || l === "da") return "sv";
      if (l === "en") return "en";
    }
    return "sv";
  }

  var lang = pickLanguage();

  function t(key, vars) {
    var s = (texts[lang] && texts[lang][key]) || texts.sv[key] || key;
    if (vars) {
      s = s.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] !== undefined ? String(vars[k]) : m; });
    }
    return s;
  }

  /* Fills every [data-i18n] element's text and [data-i18n-attr="attr:key"] attributes. */
  function apply(root) {
    root = root || document;
    document.documentElement.lang = lang;
    root.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = t(el.dataset.i18n); });
    root.querySelectorAll("[data-i18n-attr]").forEach(function (el) {
      el.dataset.i18nAttr.split(";").forEach(function (pair) {
        var p = pair.split(":");
        if (p.length === 2) el.setAttribute(p[0], t(p[1]));
      });
    });
  }

  function setLanguage(l) {
    lang = l;
    try { localStorage.setItem("trygg.lang", l); } catch (e) { /* ignore */ }
  }

  window.trygg = window.trygg || {};
  window.trygg.i18n = { t: t, apply: apply, setLanguage: setLanguage, get lang() { return lang; } };
})();
