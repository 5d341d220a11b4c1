// The console's only script, served from the binary (the policy allows no other and no inline script).
// Data is only ever set with textContent: nothing from a run becomes markup.
"use strict";

function formatSpan(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}h ${two(m)}m ${two(r)}s` : m > 0 ? `${m}m ${two(r)}s` : `${r}s`;
}

function tick() {
  const now = Date.now();
  for (const el of document.querySelectorAll("[data-deadline]")) {
    const left = Date.parse(el.dataset.deadline) - now;
    el.textContent = left >= 0 ? `${formatSpan(left)} left` : `over by ${formatSpan(left)}`;
    el.classList.toggle("over", left < 0);
  }
  for (const el of document.querySelectorAll("[data-since]")) {
    el.textContent = formatSpan(now - Date.parse(el.dataset.since));
  }
}

function follow(list) {
  const source = new EventSource(list.dataset.events);
  // The stream's first event: from now on every record the runner journals shows up here.
  source.addEventListener("open", () => { list.dataset.live = "open"; });
  source.addEventListener("record", (e) => {
    const record = JSON.parse(e.data);
    if (list.querySelector(`li[data-seq="${Number(record.seq)}"]`)) return;
    const li = document.createElement("li");
    li.dataset.seq = String(record.seq);
    li.className = record.type;
    const time = document.createElement("time");
    time.textContent = record.at;
    li.append(time, " ", record.text);
    list.append(li);
  });
  // Where the run is changed (a step started or ended, an answer came, the run ended): draw the page again.
  source.addEventListener("changed", () => { source.close(); location.reload(); });
  // A finished run's stream ends; do not reconnect to it.
  source.addEventListener("end", () => source.close());
}

document.addEventListener("DOMContentLoaded", () => {
  tick();
  setInterval(tick, 1000);
  const list = document.getElementById("timeline");
  if (list && list.dataset.events) follow(list);
  for (const form of document.querySelectorAll("form.answer")) {
    form.addEventListener("submit", (e) => {
      const outcome = e.submitter ? e.submitter.value : "";
      if (outcome === "reject" && !confirm("Reject this step?")) e.preventDefault();
    });
  }
});
