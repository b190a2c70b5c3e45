// A calendar beside each <input data-date-picker>: the reader picks a day in their calendar (Jalali on
// Persian pages, Gregorian on English ones) and it is written into the box, keeping the time typed
// after it (none in a box marked data-date-only). The box still takes typing; the server reads either
// calendar in any digits. No library: the browser's Intl knows the Persian calendar, and months are
// walked a day at a time.
(function () {
  "use strict";

  const persian = (document.documentElement.lang || "fa").startsWith("fa");
  const calendar = persian ? "persian" : "gregory";
  const locale = persian ? "fa-IR" : "en-GB";
  const partsFormat = new Intl.DateTimeFormat("en-u-ca-" + calendar + "-nu-latn", {
    year: "numeric", month: "numeric", day: "numeric", timeZone: "UTC",
  });
  const titleFormat = new Intl.DateTimeFormat(locale + "-u-ca-" + calendar, {
    year: "numeric", month: "long", timeZone: "UTC",
  });
  const dayFormat = new Intl.DateTimeFormat(locale + "-u-ca-" + calendar, { day: "numeric", timeZone: "UTC" });
  const fullFormat = new Intl.DateTimeFormat(locale + "-u-ca-" + calendar, {
    weekday: "long", year: "numeric", month: "long", day: "numeric", timeZone: "UTC",
  });
  const DAY = 86400000;
  const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

  function parts(date) {
    const found = {};
    for (const part of partsFormat.formatToParts(date)) {
      if (part.type === "year" || part.type === "month" || part.type === "day") found[part.type] = parseInt(part.value, 10);
    }
    return found;
  }

  function firstOfMonth(date) {
    return new Date(date.getTime() - (parts(date).day - 1) * DAY);
  }

  function toLatin(text) {
    return text.replace(/[۰-۹]/g, (d) => String(PERSIAN_DIGITS.indexOf(d))).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660));
  }

  function written(date) {
    const p = parts(date);
    const pad = (n) => String(n).padStart(2, "0");
    const text = persian ? `${p.year}/${pad(p.month)}/${pad(p.day)}` : `${p.year}-${pad(p.month)}-${pad(p.day)}`;
    return persian ? text.replace(/\d/g, (d) => PERSIAN_DIGITS[d]) : text;
  }

  // The first day of the month the box names (year/month/…), or of today's month.
  function monthShown(input) {
    const today = new Date(Date.UTC(new Date().getFullYear(), new Date().getMonth(), new Date().getDate()));
    const match = toLatin(input.value).match(/^\s*(\d{4})\s*[-/.٫]\s*(\d{1,2})/);
    let month = firstOfMonth(today);
    if (!match) return month;
    const wanted = parseInt(match[1], 10) * 12 + parseInt(match[2], 10);
    for (let step = 0; step < 120; step += 1) {
      const p = parts(month);
      const here = p.year * 12 + p.month;
      if (here === wanted) return month;
      month = here < wanted ? firstOfMonth(new Date(month.getTime() + 32 * DAY)) : firstOfMonth(new Date(month.getTime() - DAY));
    }
    return firstOfMonth(today);
  }

  function attach(input) {
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "date-picker__toggle button button-small button-secondary";
    toggle.textContent = input.dataset.pickerLabel || "Calendar";
    toggle.setAttribute("aria-expanded", "false");
    const panel = document.createElement("div");
    panel.className = "date-picker";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", input.dataset.pickerLabel || "Calendar");
    input.insertAdjacentElement("afterend", toggle);
    toggle.insertAdjacentElement("afterend", panel);
    let month = null;

    function render() {
      panel.replaceChildren();
      const head = document.createElement("div");
      head.className = "date-picker__head";
      const previous = document.createElement("button");
      previous.type = "button";
      previous.textContent = persian ? "›" : "‹";
      previous.setAttribute("aria-label", input.dataset.previousLabel || "Previous month");
      previous.addEventListener("click", () => { month = firstOfMonth(new Date(month.getTime() - DAY)); render(); });
      const next = document.createElement("button");
      next.type = "button";
      next.textContent = persian ? "‹" : "›";
      next.setAttribute("aria-label", input.dataset.nextLabel || "Next month");
      next.addEventListener("click", () => { month = firstOfMonth(new Date(month.getTime() + 32 * DAY)); render(); });
      const title = document.createElement("span");
      title.className = "date-picker__title";
      title.textContent = titleFormat.format(month);
      title.setAttribute("aria-live", "polite");
      head.append(previous, title, next);
      const days = document.createElement("div");
      days.className = "date-picker__days";
      // Weeks start on Saturday in Iran and Monday in the English layout.
      const weekStart = persian ? 6 : 1;
      const weekdayFormat = new Intl.DateTimeFormat(locale, { weekday: "narrow", timeZone: "UTC" });
      for (let i = 0; i < 7; i += 1) {
        // 2023-01-01 was a Sunday (day 0): day `weekStart + i` of that week names each column.
        const name = document.createElement("span");
        name.className = "date-picker__weekday";
        name.setAttribute("aria-hidden", "true");
        name.textContent = weekdayFormat.format(new Date(Date.UTC(2023, 0, 1 + ((weekStart + i) % 7))));
        days.append(name);
      }
      const blanks = (month.getUTCDay() - weekStart + 7) % 7;
      for (let i = 0; i < blanks; i += 1) days.append(document.createElement("span"));
      const monthNumber = parts(month).month;
      for (let day = month; parts(day).month === monthNumber; day = new Date(day.getTime() + DAY)) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = dayFormat.format(day);
        button.setAttribute("aria-label", fullFormat.format(day));
        const chosen = day;
        button.addEventListener("click", () => {
          const time = toLatin(input.value).match(/\d{1,2}\s*:\s*\d{2}/);
          const timeText = time ? time[0].replace(/\s/g, "") : "08:00";
          // A box for a day alone (data-date-only) gets no time.
          const value = "dateOnly" in input.dataset
            ? written(chosen)
            : `${written(chosen)} ${persian ? timeText.replace(/\d/g, (d) => PERSIAN_DIGITS[d]) : timeText}`;
          input.value = value;
          input.dispatchEvent(new Event("change", { bubbles: true }));
          close();
          input.focus();
        });
        days.append(button);
      }
      panel.append(head, days);
    }

    function close() {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    }

    toggle.addEventListener("click", () => {
      if (!panel.hidden) { close(); return; }
      month = monthShown(input);
      render();
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      const first = panel.querySelector(".date-picker__days button");
      if (first) first.focus();
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { close(); toggle.focus(); }
    });
  }

  function start() {
    document.querySelectorAll("input[data-date-picker]").forEach((input) => {
      if (!input.dataset.pickerAttached) { input.dataset.pickerAttached = "1"; attach(input); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
